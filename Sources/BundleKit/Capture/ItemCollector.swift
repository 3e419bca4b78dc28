import Foundation

/// Finds the files each profile item names on the machine being captured.
struct ItemCollector {
    let mapper: PathMapper
    let variables: [String: String]
    let onEvent: EventHandler?
    /// Files the export commands produced, by item id.
    var exported: [String: String] = [:]

    /// What a capture takes: every file (sorted by member), every folder under a directory
    /// item (sorted by target), and the ids of optional items that found nothing.
    struct Collected {
        var sources: [CaptureSource]
        var folders: [FolderEntry]
        var skipped: [String]
    }

    /// Every file and folder to capture, and the ids of optional items that found nothing.
    func collect(_ items: [ProfileItem]) throws -> Collected {
        var sources: [CaptureSource] = []
        var folders: [FolderEntry] = []
        var skipped: [String] = []
        for item in items {
            let found = try collect(item, folders: &folders)
            if found.isEmpty { skipped.append(item.id) }
            sources += found
        }
        folders.sort { $0.target.utf8.lexicographicallyPrecedes($1.target.utf8) }
        sources.sort(by: CaptureSource.precedes)
        for (previous, next) in zip(sources, sources.dropFirst()) where !CaptureSource.precedes(previous, next) {
            throw CaptureError.duplicateMember(member: next.member)
        }
        try Self.checkTargets(sources, os: mapper.os)
        try Self.checkLinks(sources)
        return Collected(sources: sources, folders: folders, skipped: skipped)
    }

    private func collect(_ item: ProfileItem, folders: inout [FolderEntry]) throws -> [CaptureSource] {
        switch item.selector {
        case .path(let template):
            let resolved = try VariableResolver.expand(template, with: variables, context: "item '\(item.id)'")
            let host = try mapper.hostPath(for: resolved)
            guard let status = try FileStatus.of(host) else { return try missing(item, host) }
            try expect(.regular, status, item, host)
            let name = try mapper.components(of: resolved).last ?? item.id
            let group = SourceGroup(item: item, host: host, target: template, isSingleFile: true)
            return [try source(group, relative: name, status: status)]

        case .directory(let template):
            let resolved = try VariableResolver.expand(template, with: variables, context: "item '\(item.id)'")
            let host = try mapper.hostPath(for: resolved)
            guard let status = try FileStatus.of(host) else { return try missing(item, host) }
            try expect(.directory, status, item, host)
            var found: [CaptureSource] = []
            folders.append(FolderEntry(target: template, item: item.id, status: status))
            try walk(host, relative: "", group: SourceGroup(item: item, host: host, target: template, isSingleFile: false), into: &found, folders: &folders)
            return found

        case .exported:
            guard let path = exported[item.id], let status = try FileStatus.of(path), status.kind == .regular else {
                return []
            }
            return [try source(SourceGroup(item: item, host: path, target: "", isSingleFile: true), relative: item.id, status: status)]

        case .glob(let template):
            let (folderTemplate, pattern) = PathTemplate.split(template)
            let resolved = try VariableResolver.expand(folderTemplate, with: variables, context: "item '\(item.id)'")
            let host = try mapper.hostPath(for: resolved)
            guard let status = try FileStatus.of(host), status.kind == .directory else {
                return try missing(item, HostPath.join(host, pattern))
            }
            let matcher = GlobPattern(pattern)
            let group = SourceGroup(item: item, host: host, target: folderTemplate, isSingleFile: false)
            var found: [CaptureSource] = []
            for name in try LocalFileSystem.contents(of: host) where matcher.matches(name) {
                let path = HostPath.join(host, name)
                guard let entry = try FileStatus.of(path), entry.kind == .regular else {
                    onEvent?(.warning("item '\(item.id)': \(path) matches \(pattern) but is not a regular file; skipped"))
                    continue
                }
                found.append(try source(group, relative: name, status: entry))
            }
            if found.isEmpty && item.required {
                throw CaptureError.requiredItemMissing(item: item.id, path: HostPath.join(host, pattern))
            }
            return found
        }
    }

    private func walk(_ folder: String, relative: String, group: SourceGroup, into found: inout [CaptureSource], folders: inout [FolderEntry]) throws {
        let item = group.item
        for name in try LocalFileSystem.contents(of: folder) {
            let path = HostPath.join(folder, name)
            let rel = relative.isEmpty ? name : relative + "/" + name  // member side: always `/`
            guard let status = try FileStatus.of(path) else { continue }  // removed while walking
            switch status.kind {
            case .regular:
                found.append(try source(group, relative: rel, status: status))
            case .directory:
                folders.append(FolderEntry(target: group.target + "/" + PathTemplate.literal(rel), item: item.id, status: status))
                try walk(path, relative: rel, group: group, into: &found, folders: &folders)
            case .symlink where item.keepSymlinks:
                var link = try source(group, relative: rel, status: status)
                do {
                    link.link = try FileManager.default.destinationOfSymbolicLink(atPath: path)
                } catch {
                    throw FileSystemError.cannotRead(path: path, errno: .noSuchFileOrDirectory)
                }
                found.append(link)
            case .symlink, .other:
                onEvent?(.warning("item '\(item.id)': \(path) is not a regular file or folder; skipped"))
            }
        }
    }

    /// Refuses two sources that restore would write to the same path (verify refuses such a
    /// bundle as `duplicate-target`, so capture must not write one): overlapping items, or on
    /// Windows two names that differ only in case.
    static func checkTargets(_ sources: [CaptureSource], os: OSFamily) throws {
        var targets = PathCollisions(os: os)
        for (position, source) in sources.enumerated() where !source.target.isEmpty {
            targets.add(source.hostPath, at: position)
        }
        if let (first, second) = targets.collisions(path: { sources[$0].hostPath }).first {
            throw CaptureError.sameTarget(
                item: sources[second].item.id, path: sources[second].hostPath, otherItem: sources[first].item.id, otherPath: sources[first].hostPath)
        }
    }

    /// Refuses, naming it, every kept link that is absolute or leads outside what is captured,
    /// and any file or link that lies below a kept link.
    static func checkLinks(_ sources: [CaptureSource]) throws {
        let links = sources.filter { $0.link != nil }
        guard !links.isEmpty else { return }
        let policy = LinkPolicy(
            files: Set(sources.filter { $0.link == nil && !$0.target.isEmpty }.map(\.target)), links: Set(links.map(\.target)))
        for source in sources {
            if let via = policy.linkOnTheWay(to: source.target) {
                throw CaptureError.unsafeLink(item: source.item.id, path: source.hostPath, link: source.link ?? "", reason: "it lies below the kept link \(via)")
            }
            if let link = source.link, let reason = policy.problem(link: link, at: source.target) {
                throw CaptureError.unsafeLink(item: source.item.id, path: source.hostPath, link: link, reason: reason)
            }
        }
    }

    private func source(_ group: SourceGroup, relative: String, status: FileStatus) throws -> CaptureSource {
        let source = CaptureSource(group: group, relative: relative, status: status)
        if relative.contains("\n") || relative.contains("\r") || relative.contains("\\") {
            throw CaptureError.unsupportedName(item: group.item.id, path: source.hostPath)
        }
        return source
    }

    private func missing(_ item: ProfileItem, _ host: String) throws -> [CaptureSource] {
        if item.required { throw CaptureError.requiredItemMissing(item: item.id, path: host) }
        return []
    }

    private func expect(_ kind: FileStatus.Kind, _ status: FileStatus, _ item: ProfileItem, _ host: String) throws {
        guard status.kind != kind else { return }
        throw CaptureError.wrongKind(
            item: item.id, path: host, expected: Self.name(of: kind), found: Self.name(of: status.kind))
    }

    static func name(of kind: FileStatus.Kind) -> String {
        switch kind {
        case .regular: return "file"
        case .directory: return "folder"
        case .symlink: return "symbolic link"
        case .other: return "special file"
        }
    }
}
