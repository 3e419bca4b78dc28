import Foundation

/// JSON for scripts: one document on standard output, keys sorted so output diffs cleanly.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return }
        Terminal.out(String(decoding: data, as: UTF8.self))
    }
}

/// A command that can answer in JSON; errors are then JSON too.
protocol JSONOutputCommand {
    var output: OutputOptions { get }
}
