import Dispatch

/// Work items run on `workers` threads and handed back in the order they were submitted: the
/// shape shared by the parallel gzip and zstd writers (blocks in, compressed blocks out) and
/// readers (members or frames in, plain bytes out).
///
/// The owner's thread takes a job (`makeJob`: a spare one, with the buffers it grew before, or
/// a new one), fills it, and `submit`s it. The items wait in one line (`Line`) that every
/// worker takes from: an idle worker starts the oldest item not yet started, so no core idles
/// while another has items waiting (with a worker per item `i % workers`, a worker whose items
/// were quick waited while the other ground through a slow one: stored random blocks against
/// deflated text). Each worker has a context of its own (a zlib or zstd stream), so a context
/// is never shared; which worker runs an item changes nothing in its output. `next` gives the
/// oldest item back, once done, with the error its work threw; the owner `recycle`s it when it
/// has used its output. At most `maxJobs` items and `maxBytes` bytes (as the owner counts them
/// at `submit`) are in flight: `isFull` says when to take one back before submitting more. So
/// memory is a fixed set of buffers, reused from item to item.
///
/// `cancel` drops what is in flight: items not yet started are skipped, the running ones
/// finish, and it returns once no worker touches a job any more (their inputs may be a file
/// the caller is about to close). Used from one thread; the work runs on the workers'.
final class OrderedWorkQueue<Context: Sendable, Job: AnyObject & Sendable> {
    /// What the work of one item throws is kept and rethrown by `next` in its turn.
    typealias Work = @Sendable (Job, Context) throws -> Void

    let maxJobs: Int
    let maxBytes: Int
    /// How many workers take from the line.
    let workerCount: Int
    private let line = Line<Ticket>()
    private let newJob: () -> Job
    private var inFlight: [Ticket] = []
    private var head = 0
    private var bytesInFlight = 0
    private var spare: [Job] = []
    private var spareTickets: [Ticket] = []

    /// - Parameters:
    ///   - label: the workers' queue names (`label.0`, `label.1`, …).
    ///   - contexts: one per worker.
    ///   - maxJobs: items in flight at most (by default twice the workers).
    ///   - maxBytes: bytes in flight at most, as counted at `submit` (always at least one item).
    ///   - makeJob: a new job, when no spare one is left.
    ///   - work: runs on a worker's thread with that worker's context.
    init(
        label: String, contexts: [Context], maxJobs: Int? = nil, maxBytes: Int = .max, makeJob: @escaping () -> Job,
        work: @escaping Work
    ) {
        precondition(!contexts.isEmpty, "an ordered work queue needs at least one worker")
        self.maxJobs = max(1, maxJobs ?? 2 * contexts.count)
        self.maxBytes = maxBytes
        workerCount = contexts.count
        newJob = makeJob
        let line = line
        // Each worker runs one loop on a serial queue of its own for the queue's whole life.
        for (index, context) in contexts.enumerated() {
            DispatchQueue(label: "\(label).\(index)", qos: .userInitiated).async {
                while let ticket = line.take() {
                    defer { ticket.done.signal() }
                    guard let job = ticket.job else { continue }
                    do {
                        try work(job, context)
                    } catch {
                        ticket.error = error
                    }
                }
            }
        }
    }

    deinit {
        cancel()
        line.stop(workers: workerCount)
    }

    /// Items submitted and not yet taken back.
    var count: Int { inFlight.count - head }

    /// Whether the next `submit` would go past `maxJobs` or `maxBytes`.
    var isFull: Bool { count >= maxJobs || (count > 0 && bytesInFlight >= maxBytes) }

    /// A job to fill: a recycled one (with its buffers) or a new one.
    func makeJob() -> Job {
        spare.popLast() ?? newJob()
    }

    /// Hands `job` to the workers (the first idle one starts it); `bytes` counts against
    /// `maxBytes` until it is taken back.
    func submit(_ job: Job, bytes: Int = 0) {
        let ticket = spareTickets.popLast() ?? Ticket()
        ticket.job = job
        ticket.bytes = bytes
        ticket.error = nil
        if head > 0 && head == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            head = 0
        }
        inFlight.append(ticket)
        bytesInFlight += bytes
        line.put(ticket)
    }

    /// The oldest item, once its work is done (waiting for it when `wait`, else nil while it
    /// runs); nil when none is in flight. Throws what its work threw; the item is taken back
    /// either way (and, when it threw, recycled).
    func next(wait: Bool = true) throws -> Job? {
        guard head < inFlight.count else { return nil }
        let ticket = inFlight[head]
        if wait {
            ticket.done.wait()
        } else if ticket.done.wait(timeout: .now()) == .timedOut {
            return nil
        }
        head += 1
        bytesInFlight -= ticket.bytes
        let job = ticket.job!
        let error = ticket.error
        ticket.job = nil
        ticket.error = nil
        spareTickets.append(ticket)
        if let error {
            spare.append(job)
            throw error
        }
        return job
    }

    /// Gives a job taken back by `next` for reuse; its buffers are kept.
    func recycle(_ job: Job) {
        if spare.count < maxJobs + 1 { spare.append(job) }
    }

    /// Drops every item in flight: those not started are skipped, and it waits for the
    /// running ones. Submitting afterwards starts again.
    func cancel() {
        guard count > 0 else { return }
        // Those not started leave the line (their `done` is signalled); then wait for the rest.
        for ticket in line.dropWaiting() { ticket.done.signal() }
        while head < inFlight.count {
            let ticket = inFlight[head]
            head += 1
            ticket.done.wait()
            if let job = ticket.job { spare.append(job) }
            ticket.job = nil
            ticket.error = nil
            spareTickets.append(ticket)
        }
        inFlight.removeAll(keepingCapacity: true)
        head = 0
        bytesInFlight = 0
    }

    /// One submitted item: written by its worker before `done`, read by the owner after.
    private final class Ticket: @unchecked Sendable {
        var job: Job?
        var bytes = 0
        var error: (any Error)?
        let done = DispatchSemaphore(value: 0)
    }
}

/// The items submitted and not yet started, oldest first, shared by the owner (who puts and,
/// at `cancel`, drops) and the workers (who take). `available` counts the items put (and, at `stop`, one wake-up per
/// worker); the lock guards the list.
private final class Line<Item: AnyObject>: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private let available = DispatchSemaphore(value: 0)
    private var waiting: [Item] = []
    private var first = 0
    private var stopped = false

    func put(_ item: Item) {
        lock.wait()
        waiting.append(item)
        lock.signal()
        available.signal()
    }

    /// The oldest item not started, waiting for one; nil once stopped.
    func take() -> Item? {
        while true {
            available.wait()
            lock.wait()
            if first < waiting.count {
                let item = waiting[first]
                first += 1
                if first == waiting.count {
                    waiting.removeAll(keepingCapacity: true)
                    first = 0
                }
                lock.signal()
                return item
            }
            // An item that was dropped, or the wake-up of `stop`.
            let done = stopped
            lock.signal()
            if done { return nil }
        }
    }

    /// Removes the items not started, and returns them.
    func dropWaiting() -> [Item] {
        lock.wait()
        let dropped = Array(waiting[first...])
        waiting.removeAll(keepingCapacity: true)
        first = 0
        lock.signal()
        return dropped
    }

    /// Ends every worker's loop once the line is empty.
    func stop(workers: Int) {
        lock.wait()
        stopped = true
        lock.signal()
        for _ in 0..<workers { available.signal() }
    }
}
