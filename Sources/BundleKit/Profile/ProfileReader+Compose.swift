import Yams

// Turning profile text into a node tree, with YAML errors mapped to `ProfileError`s that carry
// the right line.

extension ProfileReader {
    /// The root node of `yaml`, or nil for an empty document.
    ///
    /// Yams refuses duplicate keys but reports only the first occurrence. To say where the
    /// second one is (and whether it is a variable), each refused first occurrence gets a
    /// marker in a copy of the text and the copy is parsed again; the walker then sees both
    /// keys, strips the marker, and reports the duplicate with both lines.
    func compose(_ yaml: String) throws -> Node? {
        var text = yaml
        for attempt in 0..<100 {
            do {
                let parser = try Parser(yaml: text)
                // Anchors are held weakly by nodes; keep the parser (which owns them) alive.
                return try withExtendedLifetime(parser) {
                    let root = try parser.singleRoot()
                    if let root { try rejectAnchors(root) }
                    return root
                }
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                guard let marked = DuplicateKeyMarker.mark(text, at: context.mark, attempt: attempt) else {
                    throw ProfileError.duplicateKey(
                        file: file, line: context.mark.line, key: duplicates.first ?? "?",
                        context: "a mapping", firstLine: context.mark.line)
                }
                text = marked
            } catch let error as YamlError {
                throw syntaxError(error, in: text)
            }
        }
        throw ProfileError.yamlSyntax(file: file, line: 1, message: "too many duplicate keys; keep each key once")
    }

    /// Anchors and aliases are refused: an aliased node keeps the anchor's position, so an
    /// error in a value used through an alias (a duplicate item id, say) would point at the
    /// wrong line.
    private func rejectAnchors(_ node: Node) throws {
        if let anchor = node.anchor {
            throw ProfileError.yamlSyntax(
                file: file, line: node.mark?.line ?? 1,
                message: "YAML anchors and aliases ('&\(anchor.rawValue)', '*\(anchor.rawValue)') are not supported in profiles, because errors in the copies could not point at the right line. Write the value out in full")
        }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                try rejectAnchors(key)
                try rejectAnchors(value)
            }
        case .sequence(let sequence):
            for element in sequence { try rejectAnchors(element) }
        case .scalar, .alias:
            break
        }
    }

    private func syntaxError(_ error: YamlError, in text: String) -> ProfileError {
        func message(_ problem: String, _ context: YamlError.Context?) -> String {
            var message = "invalid YAML: \(problem)"
            if let context, !context.text.isEmpty, !context.text.contains("\n") {
                message += " (\(context.text), line \(context.mark.line))"
            }
            return message + ". Check the indentation and quoting on this line and the one before"
        }
        switch error {
        case let .composer(_, "but found another document", mark, _):
            return .yamlSyntax(
                file: file, line: mark.line,
                message: "a profile is a single YAML document, but another one starts here. Remove the second document")
        case let .composer(_, "found undefined alias", mark, _):
            return .yamlSyntax(
                file: file, line: mark.line,
                message: "YAML aliases ('*name') are not supported in profiles. Write the value out in full")
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            return .yamlSyntax(file: file, line: mark.line, message: message(problem, context))
        case let .reader(problem, offset, _, _):
            let line = offset.map { offset in text.prefix(offset).filter { $0 == "\n" }.count + 1 } ?? 1
            return .yamlSyntax(file: file, line: line, message: "unreadable text: \(problem)")
        default:
            return .yamlSyntax(file: file, line: 1, message: "invalid YAML: \(error)")
        }
    }
}

/// Makes a key that Yams reported as duplicated unique, and undoes that when keys are read.
///
/// The marker is a private-use prefix `U+E000 <attempt> U+E001`, which cannot occur in a key
/// otherwise accepted (ids and variable names are ASCII).
enum DuplicateKeyMarker {
    private static let open: Character = "\u{E000}"
    private static let close: Character = "\u{E001}"

    /// `text` with a marker inserted in the key that starts at `mark`, or nil when the mark
    /// does not point at a key it can change.
    static func mark(_ text: String, at mark: Mark, attempt: Int) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        var scalars = Array(lines[mark.line - 1].unicodeScalars)
        var position = mark.column - 1
        guard position >= 0, position < scalars.count else { return nil }
        if scalars[position] == "\"" || scalars[position] == "'" { position += 1 }
        let marker = "\(open)\(attempt)\(close)".unicodeScalars
        scalars.insert(contentsOf: marker, at: position)
        var line = String.UnicodeScalarView()
        line.append(contentsOf: scalars)
        lines[mark.line - 1] = String(line)
        return lines.joined(separator: "\n")
    }

    /// `key` without a marker.
    static func strip(_ key: String) -> String {
        guard key.first == open, let end = key.firstIndex(of: close) else { return key }
        return String(key[key.index(after: end)...])
    }
}
