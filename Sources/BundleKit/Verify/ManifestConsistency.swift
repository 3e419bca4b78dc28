import Foundation

/// A signed manifest that contradicts itself. The signature proves who made a bundle; it does
/// not prove that the manifest's parts agree. Capture writes them from one profile, so every
/// rule here is one that capture cannot break, and a manifest that breaks one was edited:
///
/// - the embedded profile text hashes to the `profile.sha256` recorded beside it, and its `id`,
///   `name` and `version` are the ones recorded (the trusted comment is built from the record);
/// - every entry belongs to an item of that profile, lies in its item's folder
///   (`files/<item>/`), is written under its own name (the member's path below that folder is
///   the target's below the item's folder; a `path` item's member is named as its file, an
///   exported one as its item), has the role its item gives the file (`private-keys` names
///   included), and, when encrypted, is at least as large as the smallest age file;
/// - an item listed in `skippedItems` has no entries, and a required item that has none is
///   listed there (capture fails on a missing required item, so it cannot be silently absent);
/// - targets and links follow `TargetPolicy` (declared, not climbing, each written once).
///
/// Each broken rule is its own `VerifyProblem`, named by the member or item it is about.
enum ManifestConsistency {
    /// The smallest age v1 file: the intro line `age-encryption.org/v1\n` (22 bytes), the
    /// header MAC line `--- ` + 43 base64 + `\n` (48), the 16-byte payload nonce and one
    /// 16-byte chunk tag; a real one also has at least one recipient stanza.
    static let smallestAgeFile: Int64 = 22 + 48 + 16 + 16

    /// Every contradiction in `manifest`, in the order: profile record, targets and links,
    /// entries, skipped items.
    static func problems(in manifest: Manifest) -> [VerifyProblem] {
        var problems: [VerifyProblem] = []
        let record = manifest.profile
        let actual = SHA256Stream.hex(Data(record.text.utf8))
        if actual != record.sha256 {
            problems.append(.profileDigestMismatch(recorded: record.sha256, actual: actual))
        }
        let profile: Profile
        do {
            profile = try Profile(yaml: record.text, source: "\(BundleLayout.manifest) (the embedded profile)")
        } catch {
            return problems + [.malformed(member: BundleLayout.manifest, reason: "its embedded profile does not parse: \(error)")]
        }
        if profile.id != record.id { problems.append(.profileRecordMismatch(field: "id", recorded: record.id, found: profile.id)) }
        if profile.name != record.name { problems.append(.profileRecordMismatch(field: "name", recorded: record.name, found: profile.name)) }
        if profile.version != record.version {
            problems.append(.profileRecordMismatch(field: "version", recorded: String(record.version), found: String(profile.version)))
        }
        problems += TargetPolicy.problems(in: manifest, profile: profile)
        var items: [String: ProfileItem] = [:]
        for item in profile.items { items[item.id] = item }
        var captured = Set<String>()
        var last: ProfileItem?
        for entry in manifest.entries {
            // Entries come sorted by member, so an item's entries follow each other.
            if last?.id != entry.item {
                last = items[entry.item]
                if let last { captured.insert(last.id) }
            }
            guard let item = last else { continue }  // unknown-item, from TargetPolicy
            problems += entryProblems(entry, item: item, manifest: manifest)
        }
        let skipped = Set(manifest.skippedItems)
        for item in profile.items {
            if skipped.contains(item.id) && captured.contains(item.id) {
                problems.append(.skippedItemsDisagree(item: item.id, reason: "listed in skippedItems, yet the manifest has entries for it"))
            } else if item.required && !skipped.contains(item.id) && !captured.contains(item.id) {
                problems.append(.skippedItemsDisagree(item: item.id, reason: "required, yet the manifest has no entry for it and does not list it as skipped"))
            }
        }
        for id in manifest.skippedItems.sorted() where items[id] == nil {
            problems.append(.skippedItemsDisagree(item: id, reason: "listed in skippedItems, but the embedded profile has no such item"))
        }
        return problems
    }

    /// What is wrong with one entry of `item`: its folder, name, role, mode or size.
    static func entryProblems(_ entry: ManifestEntry, item: ProfileItem, manifest: Manifest) -> [VerifyProblem] {
        var problems: [VerifyProblem] = []
        // Bytes, as the archive names them (`String.hasPrefix` would compare canonical equivalents).
        let prefix = BundleLayout.payloadPrefix + item.id + "/"
        let member = entry.member.utf8
        guard member.count > prefix.utf8.count, member.starts(with: prefix.utf8) else {
            return [.memberOutsideItem(member: entry.member, item: item.id)]
        }
        // The file's path below the item's folder as capture saw it: the member's, without `.age`.
        var relative = Substring(member.dropFirst(prefix.utf8.count))
        if entry.encrypted, relative.utf8.count > 4, relative.utf8.suffix(4).elementsEqual(".age".utf8) {
            relative = Substring(relative.utf8.dropLast(4))
        }
        let name = relative.lastIndex(of: "/").map { relative[relative.index(after: $0)...] } ?? relative
        if let written = writtenName(entry, item: item, manifest: manifest), !written.utf8.elementsEqual(relative.utf8) {
            problems.append(.memberTargetMismatch(member: entry.member, target: entry.target))
        }
        let role = item.privateKeyNames == nil ? item.role : item.role(ofFileNamed: String(name))
        if entry.role != role {
            problems.append(.roleMismatch(member: entry.member, item: item.id, expected: role.rawValue, found: entry.role.rawValue))
        }
        if entry.permissions == nil {
            problems.append(.malformed(member: BundleLayout.manifest, reason: "\(entry.member) has mode '\(entry.mode.prefix(20))', not octal permission bits (e.g. 0644)"))
        }
        if entry.encrypted && entry.size < smallestAgeFile {
            problems.append(.impossibleSize(
                member: entry.member, size: entry.size, reason: "it is declared encrypted, and an age file is at least \(smallestAgeFile) bytes"))
        }
        return problems
    }

    /// The path below the item's folder that `entry`'s target gives its file, spelled as its
    /// member spells it (`$$` read as `$`); nil when the target is not one the item declares
    /// (`TargetPolicy` names that) or does not resolve.
    static func writtenName(_ entry: ManifestEntry, item: ProfileItem, manifest: Manifest) -> Substring? {
        func below(_ folder: String) -> Substring? {
            let target = entry.target.utf8
            guard target.count > folder.utf8.count, target.starts(with: folder.utf8), target.dropFirst(folder.utf8.count).first == UInt8(ascii: "/") else {
                return nil
            }
            let name = Substring(target.dropFirst(folder.utf8.count + 1))
            return name.utf8.contains(UInt8(ascii: "$")) ? Substring(name.replacingOccurrences(of: "$$", with: "$")) : name
        }
        switch item.selector {
        case .directory(let template): return below(template)
        case .glob(let template): return below(PathTemplate.split(template).folder)
        case .exported: return Substring(item.id)
        case .path(let template):
            // Capture names a single file's member after the file the path resolves to.
            let resolved = try? VariableResolver.expand(template, with: manifest.variables, context: entry.member)
            return resolved.flatMap { try? PathMapper(root: "/", os: manifest.source.os).components(of: $0).last }.map { Substring($0) }
        }
    }
}
