import Foundation

/// `json-paths-exist` checks of files the bundle itself lays down: the product will read the
/// bundle's copy, not the one on the target now (a fresh install's settings.json names nothing,
/// or is not there at all), so the paths the bundle's copy names are the ones that must exist.
extension Restorer {
    /// Moves each `json-paths-exist` check whose file (or glob, in its last component) the
    /// bundle lays down out of `plan.preflight` into `plan.bundledChecks`, one per file. A
    /// glob that matches no bundled file checks nothing.
    static func planBundledChecks(_ plan: inout RestorePlan) {
        var kept: [RestorePlan.Check] = []
        for check in plan.preflight {
            guard case .jsonPathsExist(let file, let pointers, let mapper) = check else {
                kept.append(check)
                continue
            }
            let folder = HostPath.parent(file), name = HostPath.lastComponent(file)
            let isGlob = GlobPattern.hasWildcard(name)
            let pattern = GlobPattern(name)
            let bundled = plan.files.filter { candidate in
                guard candidate.entry.link == nil else { return false }
                if !isGlob { return candidate.hostPath == file }
                return HostPath.parent(candidate.hostPath) == folder && pattern.matches(HostPath.lastComponent(candidate.hostPath))
            }
            if bundled.isEmpty {
                if !isGlob { kept.append(check) }
                continue
            }
            plan.bundledChecks += bundled.map { .init(member: $0.entry.member, file: $0.hostPath, pointers: pointers, mapper: mapper) }
        }
        plan.preflight = kept
    }

    /// Runs the bundled checks on the verified (decrypted) copies `contents` gives; throws the
    /// preflight failure naming every missing path of every file, before anything changes.
    func runBundledChecks(_ plan: RestorePlan, contents: (String) throws -> Data?) throws {
        var reasons: [String] = []
        for check in plan.bundledChecks {
            guard let data = try contents(check.member) else { continue }
            if let reason = CheckRunner.missingPaths(inJSON: data, file: "the bundle's \(check.file)", at: check.pointers, mapper: check.mapper) {
                reasons.append(reason)
            }
        }
        guard reasons.isEmpty else { throw RestoreError.checkFailed(phase: "preflight", check: "paths named in the files the bundle lays down exist", reason: reasons.joined(separator: "; ")) }
    }
}
