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
        var sources: SourceTable
        var folders: [FolderEntry]
        var skipped: [String]
    }

    /// Where the file table spills once it takes `spillThreshold` bytes (`SourceTable`); nil
    /// keeps it in the heap.
    var scratchFolder: String?
    var spillThreshold = PagedStorage.defaultSpillThreshold

    /// Every file and folder to capture, and the ids of optional items that found nothing.
    func collect(_ items: [ProfileItem]) throws -> Collected {
        var sources = SourceTable(spillingTo: scratchFolder, spillThreshold: spillThreshold)
        var folders: [FolderEntry] = []
        var skipped: [String] = []
        for item in items {
            let before = sources.count
            try collect(item, into: &sources, folders: &folders)
            if sources.count == before { skipped.append(item.id) }
        }
        folders.sort { $0.target.utf8.lexicographicallyPrecedes($1.target.utf8) }
        sources.sort()
        for index in sources.indices.dropFirst() where !sources.precedes(index - 1, index) {
            throw CaptureError.duplicateMember(member: sources[index].member)
        }
        try Self.checkTargets(sources, os: mapper.os)
        try Self.checkLinks(sources)
        return Collected(sources: sources, folders: folders, skipped: skipped)
    }

    private func collect(_ item: ProfileItem, into sources: inout SourceTable, folders: inout [FolderEntry]) throws {
        switch item.selector {
        case .path(let template):
            let resolved = try VariableResolver.expand(template, with: variables, context: "item '\(item.id)'")
            let host = try mapper.hostPath(for: resolved)
            guard let status = try FileStatus.of(host) else { return try missing(item, host) }
            try expect(.regular, status, item, host)
            let name = try mapper.components(of: resolved).last ?? item.id
            let group = sources.add(SourceGroup(item: item, host: host, target: template, isSingleFile: true))
            try add(name, status: status, group: group, to: &sources)

        case .directory(let template):
            let resolved = try VariableResolver.expand(template, with: variables, context: "item '\(item.id)'")
            let host = try mapper.hostPath(for: resolved)
            guard let status = try FileStatus.of(host) else { return try missing(item, host) }
            try expect(.directory, status, item, host)
            folders.append(FolderEntry(target: template, item: item.id, status: status))
            let group = sources.add(SourceGroup(item: item, host: host, target: template, isSingleFile: false))
            try walk(host, relative: "", group: group, into: &sources, folders: &folders)

        case .exported:
            guard let path = exported[item.id], let status = try FileStatus.of(path), status.kind == .regular else { return }
            let group = sources.add(SourceGroup(item: item, host: path, target: "", isSingleFile: true))
            try add(item.id, status: status, group: group, to: &sources)

        case .glob(let template):
            let (folderTemplate, pattern) = PathTemplate.split(template)
            let resolved = try VariableResolver.expand(folderTemplate, with: variables, context: "item '\(item.id)'")
            let host = try mapper.hostPath(for: resolved)
            guard let status = try FileStatus.of(host), status.kind == .directory else {
                return try missing(item, HostPath.join(host, pattern))
            }
            let matcher = GlobPattern(pattern)
            let group = sources.add(SourceGroup(item: item, host: host, target: folderTemplate, isSingleFile: false))
            let before = sources.count
            for name in try LocalFileSystem.contents(of: host) where matcher.matches(name) {
                let path = HostPath.join(host, name)
                guard let entry = try FileStatus.of(path), entry.kind == .regular else {
                    onEvent?(.warning("item '\(item.id)': \(path) matches \(pattern) but is not a regular file; skipped"))
                    continue
                }
                try add(name, status: entry, group: group, to: &sources)
            }
            if sources.count == before && item.required {
                throw CaptureError.requiredItemMissing(item: item.id, path: HostPath.join(host, pattern))
            }
        }
    }

    /// Adds what `folder` holds, in member order: a folder sorts as its name followed by `/`,
    /// so `b.txt` and `b-2` come before the files in `b/`. The names come sorted by bytes, so
    /// a folder only waits for the names that start with its own and a byte below `/`. (The
    /// table's sort then checks the order in one pass instead of comparing all over it.)
    private func walk(_ folder: String, relative: String, group: Int, into sources: inout SourceTable, folders: inout [FolderEntry]) throws {
        var waiting: [(name: String, status: FileStatus)] = []
        for name in try LocalFileSystem.contents(of: folder) {
            guard let status = try FileStatus.of(HostPath.join(folder, name)) else { continue }  // removed while walking
            while let last = waiting.last, !Self.sortsInside(name, folder: last.name) {
                waiting.removeLast()
                try visit(last.name, status: last.status, in: folder, relative: relative, group: group, into: &sources, folders: &folders)
            }
            if status.kind == .directory {
                waiting.append((name, status))
            } else {
                try visit(name, status: status, in: folder, relative: relative, group: group, into: &sources, folders: &folders)
            }
        }
        while let last = waiting.popLast() {
            try visit(last.name, status: last.status, in: folder, relative: relative, group: group, into: &sources, folders: &folders)
        }
    }

    /// Whether `name` (after `folder` by bytes) sorts before `folder` + `/`.
    private static func sortsInside(_ name: String, folder: String) -> Bool {
        guard name.utf8.starts(with: folder.utf8), let next = name.utf8.dropFirst(folder.utf8.count).first else { return false }
        return next < UInt8(ascii: "/")
    }

    /// Adds the file, link or folder (with what it holds) `name` in `folder`.
    private func visit(
        _ name: String, status: FileStatus, in folder: String, relative: String, group: Int, into sources: inout SourceTable,
        folders: inout [FolderEntry]
    ) throws {
        let item = sources.groups[group].item
        let path = HostPath.join(folder, name)
        let rel = relative.isEmpty ? name : relative + "/" + name  // member side: always `/`
        switch status.kind {
        case .regular:
            try add(rel, status: status, group: group, to: &sources)
        case .directory:
            folders.append(FolderEntry(target: sources.groups[group].target + "/" + PathTemplate.literal(rel), item: item.id, status: status))
            try walk(path, relative: rel, group: group, into: &sources, folders: &folders)
        case .symlink where item.keepSymlinks:
            let link: String
            do {
                link = try FileManager.default.destinationOfSymbolicLink(atPath: path)
            } catch {
                throw FileSystemError.cannotRead(path: path, errno: .noSuchFileOrDirectory)
            }
            try add(rel, status: status, group: group, link: link, to: &sources)
        case .symlink, .other:
            onEvent?(.warning("item '\(item.id)': \(path) is not a regular file or folder; skipped"))
        }
    }

    /// Refuses two sources that restore would write to the same path (verify refuses such a
    /// bundle as `duplicate-target`, so capture must not write one): overlapping items, or on
    /// Windows two names that differ only in case.
    static func checkTargets(_ sources: SourceTable, os: OSFamily) throws {
        let checked = groupsToCheck(sources.groups, os: os)
        guard checked.contains(true) else { return }
        var targets = PathCollisions(os: os)
        for index in sources.indices where checked[sources.groupPosition(index)] {
            targets.add(sources.hostPath(index), at: index)
        }
        if let (first, second) = targets.collisions(path: { sources.hostPath($0) }).first {
            throw CaptureError.sameTarget(
                item: sources.group(second).item.id, path: sources.hostPath(second), otherItem: sources.group(first).item.id,
                otherPath: sources.hostPath(first))
        }
    }

    /// The groups whose files `checkTargets` must look at. Where names compare by bytes, two
    /// files of one group never share a path (their relative paths differ), and files of two
    /// groups can only if one group's folder starts with the other's: files of a group that
    /// overlaps none need no key (a million of them would take 8 MB). On Windows, where case
    /// is ignored, files of one group may collide: every group is looked at.
    static func groupsToCheck(_ groups: [SourceGroup], os: OSFamily) -> [Bool] {
        let targeted = groups.map { !$0.target.isEmpty }
        guard os != .windows else { return targeted }
        return groups.indices.map { index in
            targeted[index]
                && groups.indices.contains { other in
                    other != index && targeted[other]
                        && (groups[index].host.utf8.starts(with: groups[other].host.utf8) || groups[other].host.utf8.starts(with: groups[index].host.utf8))
                }
        }
    }

    /// Refuses, naming it, every kept link that is absolute or leads outside what is captured,
    /// and any file or link that lies below a kept link.
    static func checkLinks(_ sources: SourceTable) throws {
        let links = sources.indices.filter { sources.isLink($0) }.map { sources[$0] }
        guard !links.isEmpty else { return }
        var files = Set<String>()
        for index in sources.indices where !sources.isLink(index) {
            let target = sources[index].target
            if !target.isEmpty { files.insert(target) }
        }
        let policy = LinkPolicy(files: files, links: Set(links.map(\.target)))
        for index in sources.indices {
            let source = sources[index]
            if let via = policy.linkOnTheWay(to: source.target) {
                throw CaptureError.unsafeLink(item: source.item.id, path: source.hostPath, link: source.link ?? "", reason: "it lies below the kept link \(via)")
            }
            if let link = source.link, let reason = policy.problem(link: link, at: source.target) {
                throw CaptureError.unsafeLink(item: source.item.id, path: source.hostPath, link: link, reason: reason)
            }
        }
    }

    /// Adds a file (a kept link with its `link` text) of the group at `group`, refusing a name
    /// that a manifest line or a Windows target could not carry.
    private func add(_ relative: String, status: FileStatus, group: Int, link: String? = nil, to sources: inout SourceTable) throws {
        if relative.utf8.contains(where: { $0 == 0x0a || $0 == 0x0d || $0 == UInt8(ascii: "\\") }) {
            let group = sources.groups[group]
            throw CaptureError.unsupportedName(item: group.item.id, path: group.isSingleFile ? group.host : HostPath.join(group.host, relative))
        }
        sources.append(group: group, relative: relative, status: status, link: link)
    }

    private func missing(_ item: ProfileItem, _ host: String) throws {
        if item.required { throw CaptureError.requiredItemMissing(item: item.id, path: host) }
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
