import Foundation

/// Checks of the signed front that run on a thread of their own while the payload streams,
/// their problems put back where the front would have listed them once the payload is read.
///
/// `bundle verify` reports; it hands nothing on. So the checks that only add problems to the
/// report (`ManifestConsistency`: the embedded profile, targets, links, roles) need not hold
/// the payload back: on two cores they run beside the inflaters instead of before them, and the
/// report comes out the same, problem for problem and in the same order. Restore, which plans
/// from the front before it reads the payload, waits for them as before.
final class DeferredProblems: @unchecked Sendable {
    /// Where in the report's problems they belong (set once the checks before them are done).
    var index = 0
    /// Written once by the checking thread before `done` is signalled; read after.
    private var problems: [VerifyProblem] = []
    private let done = DispatchSemaphore(value: 0)
    private var finished = false

    /// Starts `check` now.
    init(_ check: @escaping @Sendable () -> [VerifyProblem]) {
        DispatchQueue.global().async { [self] in
            problems = check()
            done.signal()
        }
    }

    /// Inserts the problems into `report` at their place, waiting for the check to end.
    func merge(into report: inout VerifyReport) {
        if !finished {
            done.wait()
            finished = true
            report.problems.insert(contentsOf: problems, at: Swift.min(index, report.problems.count))
        }
    }

    /// Waits for the check to end without using its problems (the reading ended early).
    func discard() {
        if !finished {
            done.wait()
            finished = true
        }
    }
}
