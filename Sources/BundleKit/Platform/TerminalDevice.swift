#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the process's standard streams are interactive terminals: the CLI draws a progress
/// bar only on one. A Windows port answers with `GetConsoleMode` on the stream's handle.
public enum TerminalDevice {
    /// The standard streams, by their POSIX descriptor numbers.
    public enum Stream: Int32, Sendable {
        case standardInput = 0
        case standardOutput = 1
        case standardError = 2
    }

    /// True when `stream` is a terminal (not a file, pipe or socket).
    public static func isTerminal(_ stream: Stream) -> Bool {
        isatty(stream.rawValue) == 1
    }
}
