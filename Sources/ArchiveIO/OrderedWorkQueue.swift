import Dispatch

/// Work items run on `workers` threads and handed back in the order they were submitted: the
/// shape shared by the parallel gzip and zstd writers (blocks in, compressed blocks out) and
/// readers (members or frames in, plain bytes out).
///
/// The owner's thread takes a job (`makeJob`: a spare one, with the buffers it grew before, or
/// a new one), fills it, and `submit`s it; item `i` runs on worker `i % workers`, a serial
/// queue with a context of its own (a zlib or zstd stream), so that a context is never shared.
/// `next` gives the oldest item back, once done, with the error its work threw; the owner
/// `recycle`s it when it has used its output. At most `maxJobs` items and `maxBytes` bytes (as
/// the owner counts them at `submit`) are in flight: `isFull` says when to take one back
/// before submitting more. So memory is a fixed set of buffers, reused from item to item.
///
/// `cancel` drops what is in flight: items not yet started are skipped, the running ones
/// finish, and it returns once no worker touches a job any more (their inputs may be a file
/// the caller is about to close). Used from one thread; the work runs on the workers'.
final class OrderedWorkQueue<Context: Sendable, Job: AnyObject & Sendable> {
    /// What the work of one item throws is kept and rethrown by `next` in its turn.
    typealias Work = @Sendable (Job, Context) throws -> Void

    let maxJobs: Int
    let maxBytes: Int
    private let workers: [(queue: DispatchQueue, context: Context)]
    private let work: Work
    private let newJob: () -> Job
    private let cancelled = CancelFlag()
    private var inFlight: [Ticket] = []
    private var head = 0
    private var bytesInFlight = 0
    private var spare: [Job] = []
    private var spareTickets: [Ticket] = []
    private var submitted = 0

    /// - Parameters:
    ///   - label: the workers' queue names (`label.0`, `label.1`, …).
    ///   - contexts: one per worker.
    ///   - maxJobs: items in flight at most (by default twice the workers).
    ///   - maxBytes: bytes in flight at most, as counted at `submit` (always at least one item).
    ///   - makeJob: a new job, when no spare one is left.
    ///   - work: runs on a worker's queue with that worker's context.
    init(
        label: String, contexts: [Context], maxJobs: Int? = nil, maxBytes: Int = .max, makeJob: @escaping () -> Job,
        work: @escaping Work
    ) {
        precondition(!contexts.isEmpty, "an ordered work queue needs at least one worker")
        workers = contexts.enumerated().map { (DispatchQueue(label: "\(label).\($0.offset)", qos: .userInitiated), $0.element) }
        self.maxJobs = max(1, maxJobs ?? 2 * contexts.count)
        self.maxBytes = maxBytes
        newJob = makeJob
        self.work = work
    }

    deinit { cancel() }

    /// Items submitted and not yet taken back.
    var count: Int { inFlight.count - head }

    /// Whether the next `submit` would go past `maxJobs` or `maxBytes`.
    var isFull: Bool { count >= maxJobs || (count > 0 && bytesInFlight >= maxBytes) }

    /// A job to fill: a recycled one (with its buffers) or a new one.
    func makeJob() -> Job {
        spare.popLast() ?? newJob()
    }

    /// Hands `job` to the next worker; `bytes` counts against `maxBytes` until it is taken back.
    func submit(_ job: Job, bytes: Int = 0) {
        let ticket = spareTickets.popLast() ?? Ticket()
        ticket.job = job
        ticket.bytes = bytes
        ticket.error = nil
        let worker = workers[submitted % workers.count]
        submitted += 1
        if head > 0 && head == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            head = 0
        }
        inFlight.append(ticket)
        bytesInFlight += bytes
        let work = work
        let cancelled = cancelled
        worker.queue.async {
            defer { ticket.done.signal() }
            guard !cancelled.isSet, let job = ticket.job else { return }
            do {
                try work(job, worker.context)
            } catch {
                ticket.error = error
            }
        }
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
        cancelled.set(true)
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
        cancelled.set(false)
    }

    /// One submitted item: written by its worker before `done`, read by the owner after.
    private final class Ticket: @unchecked Sendable {
        var job: Job?
        var bytes = 0
        var error: (any Error)?
        let done = DispatchSemaphore(value: 0)
    }
}

/// Set by the owner, read by the workers.
private final class CancelFlag: @unchecked Sendable {
    private let lock = DispatchQueue(label: "bundle.ordered-work.cancel")
    private var value = false

    var isSet: Bool { lock.sync { value } }

    func set(_ new: Bool) { lock.sync { value = new } }
}
