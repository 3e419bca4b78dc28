import Yams

/// A rewrite's value and the type it is written as (`RewriteValueType`).
extension ProfileReader {
    /// For a `json-pointer` rewrite, a plain YAML scalar keeps its YAML type (`false`, `8080`,
    /// `null`) and a quoted one is text; `type:` says it outright (for a template such as
    /// `${Port}`). Every other rewrite writes text: its value is read as written, and a
    /// `type` other than `string` is refused.
    func rewriteValue(_ node: Node, type typeNode: Node?, target: RewriteTarget, context: String) throws -> (String, RewriteValueType) {
        var isJSON = false
        if case .jsonPointer = target { isJSON = true }
        var type = RewriteValueType.string
        if let typeNode {
            let name = try string(typeNode, key: "type", context: context)
            guard let given = RewriteValueType(rawValue: name) else {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: typeNode), key: "type",
                    reason: "'\(name)' is not a type; write one of \(RewriteValueType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard isJSON || given == .string else {
                throw ProfileError.invalidValue(file: file, line: line(of: typeNode), key: "type", reason: "only a json-pointer rewrite writes a \(name); every other rewrite writes text")
            }
            type = given
        } else if isJSON, case .scalar(let scalar) = node, scalar.style == .plain {
            if isNull(node) {
                type = .null
            } else if node.bool != nil {
                type = .boolean
            } else if node.int != nil || node.float != nil, RewriteValueType.isJSONNumber(scalar.string) {
                type = .number
            }
        }
        if type == .null, isNull(node) { return ("null", .null) }
        // YAML spells booleans several ways (true, True, yes, on); JSON has one.
        if type == .boolean, case .scalar(let scalar) = node, scalar.style == .plain, let bool = node.bool { return (bool ? "true" : "false", type) }
        let value = try template(node, key: "value", context: context)
        // A literal is checked here, where the line is known; a template once it is expanded.
        if !value.contains("${"), case .failure(let problem) = type.jsonToken(value) {
            throw ProfileError.invalidValue(file: file, line: line(of: node), key: "value", reason: problem.reason)
        }
        return (value, type)
    }
}
