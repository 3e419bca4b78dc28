import Foundation

/// JSON for scripts: one object on standard output, keys sorted so output diffs cleanly, in
/// the versioned schema of Formats/json-output.md: every document carries `"schema"`, and a
/// value that is absent is `null`, never a dropped key.
enum JSONOutput {
    /// The schema version every document carries; raised only for a change that breaks a
    /// reader (a key removed or retyped), not for an added key.
    static let schema = 1

    static func print<T: Encodable>(_ value: T) {
        guard let text = try? render(value) else { return }
        Terminal.out(text)
    }

    /// The document `print` writes.
    static func render<T: Encodable>(_ value: T) throws -> String {
        var document = try NullKeepingEncoder.encode(value)
        guard case .object(var members) = document else {
            preconditionFailure("a --json document is an object, not \(T.self)")
        }
        members["schema"] = .integer(Int64(schema))
        document = .object(members)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}

/// A command that can answer in JSON; errors are then JSON too.
protocol JSONOutputCommand {
    var output: OutputOptions { get }
}
