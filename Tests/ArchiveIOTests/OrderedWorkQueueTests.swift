@testable import ArchiveIO
import Dispatch
import Foundation
import Testing

/// The ordered worker queue under the parallel gzip and zstd writers and readers: items run
/// on several workers and come back in the order they went in, whatever order they finish in.
@Suite("OrderedWorkQueue")
struct OrderedWorkQueueTests {
    final class Job: @unchecked Sendable {
        var input = 0
        var output = 0
        var worker = -1
        let serial: Int
        init(serial: Int) { self.serial = serial }
    }

    struct Odd: Error, Equatable { let value: Int }

    /// Makes jobs numbered in creation order, so a test can tell a reused one from a new one.
    final class Maker: @unchecked Sendable {
        private(set) var made = 0
        func make() -> Job {
            made += 1
            return Job(serial: made)
        }
    }

    /// A queue whose work squares the input after a delay that makes later items finish first.
    static func squares(workers: Int, maxJobs: Int? = nil, maxBytes: Int = .max, maker: Maker, failOn: Int? = nil)
        -> OrderedWorkQueue<Int, Job>
    {
        OrderedWorkQueue(label: "test.ordered", contexts: Array(0..<workers), maxJobs: maxJobs, maxBytes: maxBytes, makeJob: maker.make) {
            job, worker in
            // Early items sleep longest, so they finish after the ones behind them.
            usleep(UInt32(max(0, 3 - job.input % 4)) * 2_000)
            if job.input == failOn { throw Odd(value: job.input) }
            job.output = job.input * job.input
            job.worker = worker
        }
    }

    @Test("results come back in submission order, whichever worker ran them", arguments: [1, 2, 3])
    func order(workers: Int) throws {
        let maker = Maker()
        let queue = Self.squares(workers: workers, maker: maker)
        var results: [Int] = []
        var next = 0
        while results.count < 50 {
            while !queue.isFull && next < 50 {
                let job = queue.makeJob()
                job.input = next
                queue.submit(job)
                next += 1
            }
            let job = try #require(try queue.next())
            #expect((0..<workers).contains(job.worker))
            results.append(job.output)
            queue.recycle(job)
        }
        #expect(results == (0..<50).map { $0 * $0 })
        #expect(try queue.next() == nil)
        // Jobs (and their buffers) are reused: never more than in flight at once, plus one.
        #expect(maker.made <= queue.maxJobs + 1)
    }

    @Test("an idle worker starts the oldest waiting item: a slow item holds up no other")
    func idleWorkerTakesNext() throws {
        // Item 0 blocks until items 1-3 are done. With a worker per item (i % 2), item 2 would
        // wait behind item 0 on its worker, and 1-3 would never all be done.
        let gate = DispatchSemaphore(value: 0)
        let finished = Counter()
        let queue = OrderedWorkQueue<Int, Job>(label: "test.steal", contexts: [0, 1], maxJobs: 4, makeJob: { Job(serial: 0) }) {
            job, worker in
            if job.input == 0 { gate.wait() }
            job.output = job.input
            job.worker = worker
            finished.add()
        }
        for input in 0..<4 {
            let job = queue.makeJob()
            job.input = input
            queue.submit(job)
        }
        // Bounded, so a regression fails instead of hanging: 1-3 done while 0 still blocks.
        for _ in 0..<2000 where finished.value < 3 { usleep(5_000) }
        let doneWhileBlocked = finished.value
        gate.signal()
        #expect(doneWhileBlocked == 3)
        let jobs = try (0..<4).map { _ in try #require(try queue.next()) }
        #expect(jobs.map(\.output) == [0, 1, 2, 3])
        // Item 0 held one worker throughout: the other ran 1, 2 and 3.
        #expect(Set(jobs.dropFirst().map(\.worker)).count == 1)
        #expect(jobs[1].worker != jobs[0].worker)
    }

    @Test("isFull bounds the items and the bytes in flight")
    func bounds() throws {
        let queue = Self.squares(workers: 2, maxJobs: 3, maxBytes: 100, maker: Maker())
        func submit(_ bytes: Int) {
            let job = queue.makeJob()
            job.input = 1
            queue.submit(job, bytes: bytes)
        }
        #expect(queue.isFull == false)
        submit(60)
        submit(30)
        #expect(queue.isFull == false)  // 2 items, 90 bytes
        submit(20)
        #expect(queue.isFull)  // 3 items
        _ = try queue.next()
        #expect(queue.isFull == false)  // 2 items, 50 bytes
        _ = try queue.next()
        submit(80)
        #expect(queue.isFull)  // 2 items, 100 bytes
        while try queue.next() != nil {}
        // One item alone may go past the bytes: a queue always takes at least one.
        #expect(queue.count == 0 && queue.isFull == false)
        submit(500)
        #expect(queue.isFull)
        #expect(try queue.next() != nil)
        #expect(queue.isFull == false)
    }

    @Test("an item's error comes back in its turn; the items before it are intact")
    func errors() throws {
        let queue = Self.squares(workers: 2, maker: Maker(), failOn: 2)
        for input in 0..<4 {
            let job = queue.makeJob()
            job.input = input
            queue.submit(job)
        }
        #expect(try queue.next()?.output == 0)
        #expect(try queue.next()?.output == 1)
        #expect(throws: Odd(value: 2)) { try queue.next() }
        #expect(try queue.next()?.output == 9)
    }

    @Test("cancel skips what has not started, waits for the rest, and the queue works again")
    func cancel() throws {
        let started = Counter()
        let queue = OrderedWorkQueue<Int, Job>(label: "test.cancel", contexts: [0], maxJobs: 20, makeJob: { Job(serial: 0) }) {
            job, _ in
            started.add()
            usleep(50_000)
            job.output = job.input
        }
        for input in 0..<20 {
            let job = queue.makeJob()
            job.input = input
            queue.submit(job)
        }
        // Cancel once the worker is inside an item (on a loaded machine it may not have started
        // any yet when submit returns): that item finishes, the other 19 (50 ms each) never start.
        for _ in 0..<2000 where started.value == 0 { usleep(5_000) }
        queue.cancel()
        #expect(queue.count == 0)
        let ran = started.value
        #expect(ran >= 1 && ran < 20)
        usleep(50_000)
        #expect(started.value == ran)  // nothing runs after cancel returned
        let job = queue.makeJob()
        job.input = 7
        queue.submit(job)
        #expect(try queue.next()?.output == 7)
    }

    final class Counter: @unchecked Sendable {
        private let lock = DispatchQueue(label: "test.counter")
        private var count = 0
        func add() { lock.sync { count += 1 } }
        var value: Int { lock.sync { count } }
    }
}
