import Yams

/// Reading what only a capture uses: `steps.capture.refuse`, and a variable's `from-json`.
extension ProfileReader {
    static let refusalKeys = ["items", "json-string-prefix", "reason", "fix"]

    /// `refuse: [{items: [id, ...], json-string-prefix: enc-, reason: ..., fix: ...}]`.
    func readRefusals(_ node: Node) throws -> [CaptureRefusal] {
        let context = "a refusal of 'steps.capture.refuse'"
        guard case .sequence(let entries) = node else {
            throw wrongType(node, key: "refuse", context: "'steps.capture'", expected: "a list of refusals ({items, json-string-prefix, reason, fix})")
        }
        return try entries.map { entry in
            let fields = try self.fields(of: entry, context: context, allowed: Self.refusalKeys)
            guard let prefix = fields["json-string-prefix"] else { throw missing("json-string-prefix", in: entry, context: context) }
            guard let reason = fields["reason"] else { throw missing("reason", in: entry, context: context) }
            guard let fix = fields["fix"] else { throw missing("fix", in: entry, context: context) }
            var items: [String] = []
            if let list = fields["items"] {
                guard case .sequence(let ids) = list else { throw wrongType(list, key: "items", context: context, expected: "a list of item ids") }
                items = try ids.map { try identifier($0, key: "items", context: context) }
            }
            return CaptureRefusal(
                items: items, jsonStringPrefix: try nonEmptyString(prefix, key: "json-string-prefix", context: context),
                reason: try nonEmptyString(reason, key: "reason", context: context), fix: try nonEmptyString(fix, key: "fix", context: context))
        }
    }
}

/// Reading a variable's `from-json`.
extension ProfileReader {
    /// `from-json: {file: TEMPLATE, pointer: /Client/ConfigurationPath}`.
    func readFromJSON(_ node: Node, context: String) throws -> (file: String, pointer: String) {
        let inner = "'from-json' of \(context)"
        let fields = try self.fields(of: node, context: inner, allowed: ["file", "pointer"])
        guard let file = fields["file"] else { throw missing("file", in: node, context: inner) }
        guard let pointer = fields["pointer"] else { throw missing("pointer", in: node, context: inner) }
        let text = try nonEmptyString(pointer, key: "pointer", context: inner)
        guard text.hasPrefix("/") else {
            throw ProfileError.invalidValue(file: self.file, line: line(of: pointer), key: "pointer", reason: "'\(text)' is not a JSON pointer; one starts with '/'")
        }
        return (try template(file, key: "file", context: inner), text)
    }
}
