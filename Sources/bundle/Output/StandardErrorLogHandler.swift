import Foundation
import Logging

/// The command line's log: swift-log, bootstrapped once per run with the level `-q`/`-v`/`-vv`
/// ask for (`VerbosityOptions.logLevel`), written by `StandardErrorLogHandler`. Warnings and the
/// detail of `-v`/`-vv` go here; results stay on standard output.
enum Log {
    /// The level a command without `-v`/`-q` logs at: warnings and notices, not info.
    static let defaultLevel = Logger.Level.notice

    /// Installs `StandardErrorLogHandler` at `level`. swift-log allows this once per process;
    /// `BundleCommand.main` calls it right after parsing.
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            StandardErrorLogHandler(label: label, logLevel: level)
        }
    }

    /// The logger the command line writes to (made on each use, so always after the bootstrap).
    static var bundle: Logger { Logger(label: "bundle") }
}

/// Plain lines on standard error, `bundle: LEVEL: message` and then any metadata as `key=value`,
/// never a colour or other control sequence (a log file, a pipe and `TERM=dumb` read the same as
/// a terminal). A warning reads `bundle: warning: ...` as it did before the log existed.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, logLevel: Logger.Level) {
        self.label = label
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Terminal.err(Self.line(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }

    /// The line for one message.
    static func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let fields = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "bundle: \(level.rawValue): \(message)\(fields)"
    }
}
