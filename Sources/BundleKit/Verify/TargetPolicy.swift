/// What a signed manifest may ask restore to write. The signature says who made a bundle, not
/// that its targets are sane: each entry's target template must be one its profile item
/// declares (the item's path; a path under its directory; a name its glob matches in its
/// folder), and must resolve, with the source's own variables, to an absolute path without
/// `..`; and no two entries may resolve to the same path. Restore resolves the template again
/// for the target machine and checks it again (`PathMapper`, `Restorer.plan`), then writes
/// through `DirectoryHandle`; this check lets `verify` name a hostile manifest before anyone
/// tries.
///
/// Two targets are the same when the paths they resolve to with the manifest's variables (the
/// source's), after `PathMapper` has put them in one form (separators, `.` names, the drive
/// letter), are equal the way the source OS's file system compares names (`PathCollisions`):
/// ignoring case for a bundle whose source OS is Windows, byte for byte otherwise. Resolving
/// first also catches two templates that differ only in which variable names the same folder.
enum TargetPolicy {
    /// Every entry whose target is not what its profile declares, would climb, or would be
    /// written a second time.
    static func problems(in manifest: Manifest, profile: Profile) -> [VerifyProblem] {
        var items: [String: ProfileItem] = [:]
        for item in profile.items { items[item.id] = item }
        let mapper = PathMapper(root: "/", os: manifest.source.os)
        var problems: [VerifyProblem] = []
        var written = PathCollisions(os: manifest.source.os, scratchFolder: manifest.entries.scratchFolder)
        for (position, entry) in manifest.entries.enumerated() {
            guard let item = items[entry.item] else {
                problems.append(.unknownItem(member: entry.member, item: entry.item))
                continue
            }
            if let reason = undeclared(entry.target, by: item.selector) {
                problems.append(.unsafeTarget(member: entry.member, target: entry.target, reason: reason))
                continue
            }
            if entry.target.isEmpty { continue }  // exported: handed to the import command, never written by path
            do {
                written.add(try hostPath(of: entry, in: manifest, mapper: mapper), at: position)
            } catch {
                problems.append(.unsafeTarget(member: entry.member, target: entry.target, reason: String(describing: error)))
            }
        }
        for (first, second) in written.collisions(path: { (try? hostPath(of: manifest.entries[$0], in: manifest, mapper: mapper)) ?? "" }) {
            let entry = manifest.entries[second]
            if entry.member == manifest.entries[first].member { continue }  // one member listed twice: `duplicate` names it
            problems.append(.duplicateTarget(
                member: entry.member, other: manifest.entries[first].member,
                target: (try? hostPath(of: entry, in: manifest, mapper: mapper)) ?? entry.target))
        }
        return problems + folderProblems(in: manifest, items: items, mapper: mapper) + linkProblems(in: manifest, items: items)
    }

    /// Every folder record that is not its directory item's folder or a plain path below it,
    /// would climb, or has no valid mode.
    static func folderProblems(in manifest: Manifest, items: [String: ProfileItem], mapper: PathMapper) -> [VerifyProblem] {
        var problems: [VerifyProblem] = []
        for folder in manifest.folders ?? [] {
            let member = "\(BundleLayout.manifest) folders"
            guard let item = items[folder.item], case .directory(let template) = item.selector else {
                problems.append(.unsafeTarget(member: member, target: folder.target, reason: "the profile has no directory item '\(folder.item)'"))
                continue
            }
            if folder.target != template, let reason = undeclared(folder.target, by: item.selector) {
                problems.append(.unsafeTarget(member: member, target: folder.target, reason: reason))
                continue
            }
            guard folder.permissions != nil else {
                problems.append(.malformed(member: BundleLayout.manifest, reason: "the folder \(folder.target) has the mode '\(folder.mode)', not octal"))
                continue
            }
            do {
                _ = try mapper.hostPath(for: try VariableResolver.expand(folder.target, with: manifest.variables, context: member))
            } catch {
                problems.append(.unsafeTarget(member: member, target: folder.target, reason: String(describing: error)))
            }
        }
        return problems
    }

    /// Where `entry` lands with the manifest's own variables (root `/`).
    private static func hostPath(of entry: ManifestEntry, in manifest: Manifest, mapper: PathMapper) throws -> String {
        try mapper.hostPath(for: try VariableResolver.expand(entry.target, with: manifest.variables, context: entry.member))
    }

    /// Every declared link its item does not keep or that leads outside what the bundle
    /// captures, and every entry that lies below a link (`LinkPolicy`).
    static func linkProblems(in manifest: Manifest, items: [String: ProfileItem]) -> [VerifyProblem] {
        // Asked of the packed entries first: most bundles have no link, and building every
        // entry (strings, hex digest) only to find that cost as much as the target checks.
        guard manifest.entries.positions.contains(where: manifest.entries.isLink(at:)) else { return [] }
        let links = manifest.entries.filter { $0.link != nil }
        let policy = LinkPolicy(
            files: Set(manifest.entries.filter { $0.link == nil && !$0.target.isEmpty }.map(\.target)),
            links: Set(links.map(\.target)))
        var problems: [VerifyProblem] = []
        for entry in manifest.entries {
            if let link = entry.link {
                if items[entry.item]?.keepSymlinks != true {
                    problems.append(.unsafeLink(member: entry.member, link: link, reason: "item '\(entry.item)' does not keep symlinks (symlinks: keep)"))
                } else if entry.size != 0 || entry.encrypted {
                    problems.append(.unsafeLink(member: entry.member, link: link, reason: "a link has no bytes, but the entry declares \(entry.size) or encryption"))
                } else if let reason = policy.problem(link: link, at: entry.target) {
                    problems.append(.unsafeLink(member: entry.member, link: link, reason: reason))
                }
            }
            if let via = policy.linkOnTheWay(to: entry.target) {
                problems.append(.unsafeLink(member: entry.member, link: entry.link ?? "", reason: "its target lies below the link \(via), so writing it would follow the link"))
            }
        }
        return problems
    }

    /// Why `target` is not a target `selector` declares, or nil when it is.
    static func undeclared(_ target: String, by selector: ProfileItem.Selector) -> String? {
        switch selector {
        case .exported:
            return target.isEmpty ? nil : "item is exported by a command, so it has no target path"
        case .path(let template):
            return target == template ? nil : "item's path is '\(template)'"
        case .directory(let template):
            guard target.hasPrefix(template + "/") else { return "not under the item's directory '\(template)'" }
            let relative = target.dropFirst(template.count + 1)
            return isLiteralRelativePath(relative) ? nil : "the part below the item's directory is not a plain relative path"
        case .glob(let template):
            let (folder, pattern) = PathTemplate.split(template)
            guard target.hasPrefix(folder + "/") else { return "not in the item's folder '\(folder)'" }
            let name = target.dropFirst(folder.count + 1)
            guard !name.contains("/"), isLiteralRelativePath(name) else { return "not a single name in the item's folder" }
            let literal = name.replacingOccurrences(of: "$$", with: "$")
            return GlobPattern(pattern).matches(literal) ? nil : "'\(literal)' does not match the item's pattern '\(pattern)'"
        }
    }

    /// Names joined by `/`, none empty, `.` or `..`, no backslash, and no `${...}` (capture
    /// writes a `$` in a file name as `$$`).
    /// Read as bytes, as the file system will.
    private static func isLiteralRelativePath(_ text: Substring) -> Bool {
        var length = 0  // of the current name
        var dots = 0  // '.' bytes in it
        var dollars = 0  // '$' bytes in a row
        func nameIsBad() -> Bool { length == 0 || (length == dots && dots <= 2) }
        for byte in text.utf8 {
            if byte == 0x24 {  // '$'
                dollars += 1
            } else {
                if dollars % 2 == 1 { return false }  // a '$' not doubled
                dollars = 0
            }
            switch byte {
            case 0x2f:  // '/'
                if nameIsBad() { return false }
                length = 0
                dots = 0
            case 0x5c: return false  // '\\'
            default:
                length += 1
                if byte == 0x2e { dots += 1 }
            }
        }
        return dollars % 2 == 0 && !nameIsBad()
    }
}
