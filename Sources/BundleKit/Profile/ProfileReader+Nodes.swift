import Yams

/// Reading single nodes: checked mappings, typed scalars, and the messages that name the
/// line and what was found instead.
extension ProfileReader {
    // MARK: - Mappings

    /// The values of `node`'s keys, after checking that every key is allowed and appears once.
    func fields(of node: Node, context: String, allowed: [String]) throws -> [String: Node] {
        guard case .mapping(let mapping) = node else { return [:] }
        var result: [String: Node] = [:]
        var firstLines: [String: Int] = [:]
        for (keyNode, valueNode) in mapping {
            let key = try keyString(keyNode, context: context)
            if let firstLine = firstLines[key] {
                throw ProfileError.duplicateKey(file: file, line: line(of: keyNode), key: key, context: context, firstLine: firstLine)
            }
            firstLines[key] = line(of: keyNode)
            guard allowed.contains(key) else {
                throw ProfileError.unknownKey(file: file, line: line(of: keyNode), key: key, context: context, allowed: allowed)
            }
            result[key] = valueNode
        }
        return result
    }

    func missing(_ key: String, in node: Node, context: String) -> ProfileError {
        .missingKey(file: file, line: line(of: node), key: key, context: context)
    }

    // MARK: - Scalars

    func keyString(_ node: Node, context: String) throws -> String {
        guard let text = keyText(node) else {
            throw wrongType(node, key: "", context: "a key in \(context)", expected: "plain text", found: describe(node))
        }
        return text
    }

    /// A key's text, without the marker `compose` adds to tell duplicate keys apart.
    func keyText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node else { return nil }
        return DuplicateKeyMarker.strip(scalar.string)
    }

    func string(_ node: Node, key: String, context: String) throws -> String {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            throw wrongType(node, key: key, context: context, expected: "text")
        }
        return scalar.string
    }

    func nonEmptyString(_ node: Node, key: String, context: String) throws -> String {
        let value = try string(node, key: key, context: context)
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ProfileError.invalidValue(file: file, line: line(of: node), key: key, reason: "the value is empty")
        }
        return value
    }

    func template(_ node: Node, key: String, context: String) throws -> String {
        let value = try string(node, key: key, context: context)
        if let problem = Template.problem(in: value) {
            throw ProfileError.invalidValue(file: file, line: line(of: node), key: key, reason: problem)
        }
        return value
    }

    func identifier(_ node: Node, key: String, context: String) throws -> String {
        let value = try string(node, key: key, context: context)
        guard Template.isValidID(value) else {
            throw ProfileError.invalidValue(
                file: file, line: line(of: node), key: key,
                reason: "'\(value)' is not a valid id; use lowercase letters, digits and '-', starting with a letter or digit")
        }
        return value
    }

    func integer(_ node: Node, key: String, context: String) throws -> Int {
        guard node.tag.rawValue == Tag.Name.int.rawValue, let value = node.int else {
            throw wrongType(node, key: key, context: context, expected: "a whole number")
        }
        return value
    }

    func bool(_ node: Node, key: String, context: String) throws -> Bool {
        guard node.tag.rawValue == Tag.Name.bool.rawValue, let value = node.bool else {
            throw wrongType(node, key: key, context: context, expected: "true or false")
        }
        return value
    }

    func isNull(_ node: Node) -> Bool {
        node.tag.rawValue == Tag.Name.null.rawValue
    }

    func wrongType(_ node: Node, key: String, context: String, expected: String, found: String? = nil) -> ProfileError {
        .wrongType(file: file, line: line(of: node), key: key, context: context, expected: expected, found: found ?? describe(node))
    }

    /// What a node is, for "must be X, not Y".
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull(node) { return "an empty value" }
            let text = scalar.string.count > 40 ? scalar.string.prefix(37) + "..." : scalar.string
            return "'\(text)'"
        }
    }

    func line(of node: Node) -> Int {
        node.mark?.line ?? 1
    }
}
