import Foundation

/// JSON for scripts: one object on standard output, keys sorted so output diffs cleanly, in
/// the versioned schema of Formats/json-output.md: every document carries `"schema"`, and a
/// value that is absent is `null`, never a dropped key.
enum JSONOutput {
    /// The schema version every document carries; raised only for a change that breaks a
    /// reader (a key removed or retyped), not for an added key.
    static let schema = 1

    /// Writes `value`'s document and a line break to standard output as it is encoded, its
    /// long lists one element at a time (`JSONStream`).
    static func print<T: Encodable>(_ value: T) {
        let sink = OutputSink()
        defer { sink.flush() }
        guard (try? JSONStream(to: sink).write(document: value, adding: ["schema": .integer(Int64(schema))])) != nil else { return }
        sink.write("\n".utf8)
    }

    /// The document `print` writes, without its final line break.
    static func render<T: Encodable>(_ value: T) throws -> String {
        let sink = OutputSink(nil)
        try JSONStream(to: sink).write(document: value, adding: ["schema": .integer(Int64(schema))])
        return String(decoding: sink.bytes, as: UTF8.self)
    }
}

/// A command that can answer in JSON; errors are then JSON too.
protocol JSONOutputCommand {
    var output: OutputOptions { get }
}
