import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the command line writes: results on standard output, messages and progress on
/// standard error (written with `FileHandle.standardError`; Swift 6 rejects the C global).
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// True when standard error is an interactive terminal (progress bars go there only).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Prints an error as text on standard error, or as a JSON object on standard output.
    static func reportError(_ error: Error, json: Bool) {
        let message = String(describing: error)
        if json {
            JSONOutput.print(["error": ["type": String(describing: type(of: error)), "message": message]])
        }
        err("bundle: error: \(message)")
    }
}
