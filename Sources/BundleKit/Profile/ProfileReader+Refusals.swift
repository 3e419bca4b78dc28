import Yams

/// Reading `steps.capture.refuse`.
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
