/// A job that leaves plain bytes in `output`: a gzip member or zstd frame, inflated.
protocol OutputJob: AnyObject, Sendable {
    var output: ByteSlot { get }
}

/// The outputs of an ordered work queue's jobs, read one after the other as one stream: the
/// read loop the parallel gzip and zstd readers share.
final class OrderedOutput<Context: Sendable, Job: OutputJob> {
    let queue: OrderedWorkQueue<Context, Job>
    private var current: Job?
    private var offset = 0

    init(_ queue: OrderedWorkQueue<Context, Job>) {
        self.queue = queue
    }

    /// Fills `buffer` from the current job's output. When that is used up: submits more
    /// (`schedule`), takes the next job back and reads on from it if `accept` takes it. 0 when
    /// no job is in flight or `accept` refused one; when it refuses or throws, or the work threw,
    /// that job and all in flight are dropped.
    func read(
        into buffer: UnsafeMutableRawBufferPointer, schedule: () -> Void, accept: (Job) throws -> Bool
    ) throws -> Int {
        while true {
            if let job = current {
                if offset < job.output.count {
                    let count = min(buffer.count, job.output.count - offset)
                    buffer.baseAddress!.copyMemory(from: job.output.base + offset, byteCount: count)
                    offset += count
                    return count
                }
                current = nil
                queue.recycle(job)
            }
            schedule()
            let next: Job?
            do {
                next = try queue.next()
            } catch {
                queue.cancel()
                throw error
            }
            guard let job = next else { return 0 }
            do {
                guard try accept(job) else {
                    drop(job)
                    return 0
                }
            } catch {
                drop(job)
                throw error
            }
            current = job
            offset = 0
        }
    }

    private func drop(_ job: Job) {
        queue.recycle(job)
        queue.cancel()
    }

    /// Drops the current job and every one in flight, waiting for those running.
    func cancel() {
        if let job = current { queue.recycle(job) }
        current = nil
        queue.cancel()
    }
}
