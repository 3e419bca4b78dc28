import Foundation

/// A piece of the front read on a second thread while the calling thread checks the rest.
///
/// The front of a bundle of many files is serial work the payload's inflaters wait for (their
/// read-ahead fills in a few MiB); on two cores one core idled through it. `Verifier.readFront`
/// reads SHA256SUMS against the entries here while it runs `ManifestConsistency` itself, then
/// takes the listing (`value()`) and goes on in the same order as before, so every problem is
/// reported as it was, in the same place. (The listing allocates little; the consistency checks,
/// which build each entry, stay on the calling thread and its allocator arena.)
final class FrontTask<Value: Sendable>: @unchecked Sendable {
    /// Written once by the task's thread before `done` is signalled; read after.
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `work` now.
    init(_ work: @escaping @Sendable () -> Value) {
        Thread.detachNewThread { [self] in
            result = work()
            done.signal()
        }
    }

    /// Waits for the work to end and returns what it gave (call once).
    func value() -> Value {
        done.wait()
        return result!
    }
}

/// A value handed to another thread that this one no longer touches until it is given back.
struct Handover<Value>: @unchecked Sendable {
    let value: Value
}
