import Foundation

/// Resolving the profile's rewrites for the target: one plan entry per file, a `glob:`
/// rewrite expanded over the files the bundle lays down and those already there.
extension Restorer {
    func resolveRewrite(
        _ spec: RewriteSpec, manifest: Manifest, variables: [String: String], values: [String: String], mapper: PathMapper,
        files: RestorePlan.Files
    ) throws -> [RestorePlan.Rewrite] {
        let path = try mapper.hostPath(for: try VariableResolver.expand(spec.file, with: variables, context: "rewrites"))
        let hostPaths = spec.glob ? try Self.matches(of: path, template: spec.file, files: files) : [path]
        var target = spec.target
        var skipReason: String?
        var value: String?
        do {
            value = try VariableResolver.expand(spec.value, with: values, context: "rewrites")
        } catch ProfileError.undefinedVariable(let name, _) {
            skipReason = "no value for \(name): pass --set \(name)=VALUE"
        }
        if case let .iniPrefix(section, keys, from) = spec.target {
            // The old folder is the source's: its variables as the capture resolved them.
            let old: String
            do {
                old = try VariableResolver.expand(from, with: manifest.variables, context: "rewrites")
            } catch ProfileError.undefinedVariable(let name, _) {
                return hostPaths.map { .init(hostPath: $0, target: target, value: nil, skipReason: "the bundle records no \(name) of the source") }
            }
            // Same folder on both machines: nothing moves, nothing to plan.
            if old == value { return [] }
            target = .iniPrefix(section: section, keys: keys, from: old)
        }
        return hostPaths.map { .init(hostPath: $0, target: target, value: value, skipReason: value == nil ? skipReason : nil, type: spec.type) }
    }

    /// The regular files the bundle lays down, and those on the target, whose host path
    /// matches `pattern` (wildcards in the last component), sorted.
    static func matches(of pattern: String, template: String, files: RestorePlan.Files) throws -> [String] {
        let (folder, name) = try splitGlob(pattern, template: template, context: "rewrites")
        let glob = GlobPattern(name)
        var found = Set(files.lazy.filter { $0.entry.link == nil }.map(\.hostPath)
            .filter { HostPath.parent($0) == folder && glob.matches(HostPath.lastComponent($0)) })
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where glob.matches(entry) {
            let path = HostPath.join(folder, entry)
            if ((try? FileStatus.of(path)) ?? nil)?.kind == .regular { found.insert(path) }
        }
        return found.sorted()
    }
}
