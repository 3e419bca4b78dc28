/// An error that tells a person and a script the same thing in separate parts: its message
/// (`description`: what is wrong and where), a stable `code` (kebab-case, listed in
/// `Formats/json-output.md`, never a Swift type name), a `hint` (the fix, printed on its own
/// line and as `"hint"` in `--json`), the `file` it is about and the error it wraps (`cause`),
/// kept typed so the exit code and `--json` still see it.
///
/// To add an error case: give it a code in the type's `Code` enum (the compiler then asks for
/// it in `code`), a hint in `hint`, and a line in `Formats/json-output.md` (a test compares
/// the two), e.g. `RestoreError+Codes.swift`.
public protocol DiagnosableError: Error, CustomStringConvertible {
    /// A stable, machine-readable name for the case.
    var code: String { get }
    /// What to do about it, in one or two sentences; nil when there is nothing to do but read
    /// the message.
    var hint: String? { get }
    /// The file or path the error is about, when there is one.
    var file: String? { get }
    /// The error this one wraps, when it wraps one.
    var cause: (any Error)? { get }
}

extension DiagnosableError {
    public var file: String? { nil }
    public var cause: (any Error)? { nil }
}

/// Reading any error as a `DiagnosableError`, for the CLI's output.
public enum Diagnosis {
    /// The error's code; `internal-error` for an error that has none (a bug).
    public static func code(of error: any Error) -> String {
        (error as? any DiagnosableError)?.code ?? "internal-error"
    }

    /// The first hint along the chain of causes: a wrapper without a fix of its own passes on
    /// the fix of what it wraps.
    public static func hint(of error: any Error) -> String? {
        var current: (any Error)? = error
        while let error = current {
            if let diagnosable = error as? any DiagnosableError {
                if let hint = diagnosable.hint { return hint }
                current = diagnosable.cause
            } else {
                current = nil
            }
        }
        return nil
    }

    /// The code of an error kept as a cause: its own, or `system-error` for one from outside
    /// bundle (Foundation's, the YAML parser's), which has none.
    public static func causeCode(of error: any Error) -> String {
        (error as? any DiagnosableError)?.code ?? "system-error"
    }

    /// The error's own cause, unwrapped from an `ErrorCause`.
    public static func cause(of error: any Error) -> (any Error)? {
        guard let cause = (error as? any DiagnosableError)?.cause else { return nil }
        return (cause as? ErrorCause)?.error ?? cause
    }
}

/// An underlying error kept whole inside an error case (instead of its text), so that error
/// stays `Equatable`: two causes are equal when they are equal errors of the same type (or,
/// for a type that is not `Equatable`, have the same type and message).
public struct ErrorCause: Error, Equatable, Sendable, CustomStringConvertible {
    /// The error itself.
    public let error: any Error

    public init(_ error: any Error) {
        self.error = (error as? ErrorCause)?.error ?? error
    }

    /// The wrapped error's message.
    public var description: String { "\(error)" }

    public static func == (lhs: ErrorCause, rhs: ErrorCause) -> Bool {
        let left: Any = lhs.error
        if let left = left as? any Equatable { return left.isEqual(to: rhs.error) }
        return type(of: lhs.error) == type(of: rhs.error) && lhs.description == rhs.description
    }
}

extension Equatable {
    fileprivate func isEqual(to other: Any) -> Bool {
        (other as? Self) == self
    }
}
