/// Resolving the post-checks that read what the product serves or what its files say.
extension Restorer {
    func contentCheck(_ check: PostCheck, variables: [String: String], mapper: PathMapper) throws -> RestorePlan.Check {
        func host(_ template: String) throws -> String {
            try mapper.hostPath(for: try VariableResolver.expand(template, with: variables, context: "post-checks"))
        }
        switch check {
        case .http(let url, _):
            return .http(url: try VariableResolver.expand(url, with: variables, context: "post-checks"))
        case .linksInside(let directory, let inside, _):
            return .linksInside(directory: try host(directory), inside: try host(inside))
        case .iniPathsExist(let glob, let section, let keys, _):
            let (folder, pattern) = try Self.splitGlob(try host(glob), template: glob, context: "post-checks")
            return .iniPathsExist(folder: folder, pattern: pattern, section: section, keys: keys, mapper: mapper)
        case .tcp, .run, .exists:
            preconditionFailure("not a content check: \(check)")
        }
    }

    /// A host path with wildcards in its last component only, as its folder and name pattern.
    static func splitGlob(_ path: String, template: String, context: String) throws -> (folder: String, pattern: String) {
        guard let slash = path.lastIndex(where: HostPath.isSeparator) else {
            throw ProfileError.invalidTemplate(template: template, context: context, reason: "a glob is a path: a folder, then a name pattern")
        }
        let folder = String(path[..<slash])
        guard !GlobPattern.hasWildcard(folder) else {
            throw ProfileError.invalidTemplate(template: template, context: context, reason: "wildcards (* ? [..]) are allowed in the last component only")
        }
        return (folder.isEmpty ? HostPath.separator : folder, String(path[path.index(after: slash)...]))
    }
}
