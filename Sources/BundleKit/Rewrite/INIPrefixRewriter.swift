import Foundation

/// Moves paths in an INI file from one folder to another: every listed key (in one section)
/// whose value starts with the old folder gets the new folder instead, the rest of the value
/// and every other byte unchanged. certbot's renewal/NAME.conf names its lineage's files by
/// absolute path (`archive_dir`, `cert`, `privkey`, `chain`, `fullchain`), so a
/// configuration directory that moves needs them moved too.
///
/// A value is under a folder when it is the folder or continues with `/` or `\` after it.
/// A value already under the new folder is left (a second restore changes nothing); a value
/// under neither is an error naming the file, key and line, since the product would not find
/// that path either. Keys missing from the file are skipped, but at least one must be there.
enum INIPrefixRewriter {
    static func rewrite(_ data: Data, section: String, keys: [String], from old: String, to new: String, file: String) throws(RewriteError) -> (data: Data, result: RewriteResult) {
        let target = RewriteTarget.iniPrefix(section: section, keys: keys, from: old)
        let text = try TextEncoding.decode(data, file: file)
        let slots = try locate(text, section: section, keys: keys, target: target, file: file)
        var changes: [(slot: ValueSlot, value: String)] = []
        for (_, slot) in slots {
            if isUnder(slot.oldValue, new) { continue }
            guard isUnder(slot.oldValue, old) else {
                throw .invalidValue(file: file, target: target, line: slot.line,
                                    reason: "'\(slot.oldValue)' is under neither \(old) (the source's folder) nor \(new); correct it in the file, then retry")
            }
            changes.append((slot, new + slot.oldValue.dropFirst(old.count)))
        }
        var result = RewriteResult(oldValue: old, newValue: new, changed: false, line: changes.first?.slot.line ?? slots[0].slot.line)
        guard !changes.isEmpty else { return (data, result) }
        var bytes = text.bytes
        for change in changes.sorted(by: { $0.slot.range.lowerBound > $1.slot.range.lowerBound }) {
            bytes.replaceSubrange(change.slot.range, with: try change.slot.encode(change.value))
        }
        // Read back: every changed key now names the moved path.
        let rewritten = TextEncoding.Decoded(encoding: text.encoding, bytes: bytes)
        for change in changes {
            let key = slots.first { $0.slot.range == change.slot.range }?.key ?? ""
            guard let again = try? INIRewriter.locate(rewritten, section: section, key: key, file: file), again.oldValue == change.value else {
                throw .validationFailed(file: file, format: "INI", reason: "\(key) does not read back as '\(change.value)'")
            }
        }
        result.changed = true
        return (text.encoding.encode(bytes), result)
    }

    /// The keys' values, comma-separated in key order (for plans and previews).
    static func read(_ data: Data, section: String, keys: [String], from old: String, file: String) throws(RewriteError) -> String {
        let target = RewriteTarget.iniPrefix(section: section, keys: keys, from: old)
        let slots = try locate(TextEncoding.decode(data, file: file), section: section, keys: keys, target: target, file: file)
        return slots.map { "\($0.key)=\($0.slot.oldValue)" }.joined(separator: ", ")
    }

    private static func locate(_ text: TextEncoding.Decoded, section: String, keys: [String], target: RewriteTarget, file: String) throws(RewriteError) -> [(key: String, slot: ValueSlot)] {
        var slots: [(key: String, slot: ValueSlot)] = []
        for key in keys {
            do {
                slots.append((key, try INIRewriter.locate(text, section: section, key: key, file: file)))
            } catch {
                if case .notFound = error { continue }
                throw error
            }
        }
        guard !slots.isEmpty else {
            throw .notFound(file: file, target: target, detail: "none of \(keys.joined(separator: ", ")) is in the file")
        }
        return slots
    }

    /// Whether `value` is `folder` or a path inside it.
    static func isUnder(_ value: String, _ folder: String) -> Bool {
        guard !folder.isEmpty, value.hasPrefix(folder) else { return false }
        if value.count == folder.count || folder.hasSuffix("/") || folder.hasSuffix("\\") { return true }
        let next = value[value.index(value.startIndex, offsetBy: folder.count)]
        return next == "/" || next == "\\"
    }
}
