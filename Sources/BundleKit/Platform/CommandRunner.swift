import Foundation

/// What one command did: for reports (output is truncated, never parsed).
public struct CommandOutcome: Sendable, Equatable, Encodable {
    /// The argument vector as run.
    public var command: [String]
    /// Exit status.
    public var status: Int32
    /// Standard output and error, interleaved as they arrived, cut to the last 8 KiB.
    public var output: String
    /// Wall time in seconds.
    public var seconds: Double
}

/// A command that did not succeed.
public enum CommandError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The program could not be started (missing, not executable).
    case cannotStart(command: [String], reason: String)
    /// It exited non-zero.
    case failed(command: [String], status: Int32, output: String)
    /// It ran past its time limit and was stopped.
    case timedOut(command: [String], seconds: Int)

    /// A message naming the command and what to do.
    public var description: String {
        switch self {
        case .cannotStart(let command, let reason):
            return "cannot run \(command.first ?? "?"): \(reason). Check the path (set it with --var) and that it is executable."
        case .failed(let command, let status, let output):
            let tail = output.isEmpty ? "" : "; its output ends with:\n" + output.suffix(1_000)
            return "\(CommandRunner.display(command)) exited with status \(status)\(tail)"
        case .timedOut(let command, let seconds):
            return "\(CommandRunner.display(command)) did not finish within \(seconds) s and was stopped. Raise the step's timeout in the profile if the product needs longer."
        }
    }
}

/// Runs a profile's commands: an argument vector, never a shell, with a time limit.
/// Secrets never go on the command line: commands get file paths (`{out}`, `{in}`).
public enum CommandRunner {
    static let outputLimit = 8 << 10

    /// Runs `command` and waits at most `timeout` seconds; throws `CommandError` unless it exits 0.
    @discardableResult
    public static func run(_ command: [String], timeout: Int) throws -> CommandOutcome {
        guard let program = command.first else { throw CommandError.cannotStart(command: command, reason: "empty command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let collector = OutputCollector(limit: outputLimit)
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let start = Date()
        do {
            try process.run()
        } catch {
            throw CommandError.cannotStart(command: command, reason: (error as NSError).localizedDescription)
        }
        // Our copy of the write end goes, so the reader sees end-of-file once the command's
        // copies are closed; the reader drains the pipe on its own thread until then.
        try? pipe.fileHandleForWriting.close()
        let drained = collector.drain(pipe.fileHandleForReading)
        ScratchRegistry.shared.addChild(process.processIdentifier)
        defer { ScratchRegistry.shared.removeChild(process.processIdentifier) }
        let deadline = DispatchTime.now() + .seconds(timeout)
        if exited.wait(timeout: deadline) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + .seconds(5)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
            throw CommandError.timedOut(command: command, seconds: timeout)
        }
        // Every byte written before the exit is read before the outcome is built (a child the
        // command left running may hold the pipe open: not waited for past the time limit).
        _ = drained.wait(timeout: deadline)
        let outcome = CommandOutcome(
            command: command, status: process.terminationStatus, output: collector.text,
            seconds: Date().timeIntervalSince(start))
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw CommandError.failed(command: command, status: process.terminationStatus, output: outcome.output)
        }
        return outcome
    }

    /// A command as people read it, arguments with spaces quoted.
    static func display(_ command: [String]) -> String {
        command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}

/// Keeps the last `limit` bytes of a command's output.
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Reads `handle` on a thread of its own until end-of-file; the semaphore is signalled then.
    func drain(_ handle: FileHandle) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            while let chunk = try? handle.read(upToCount: 64 << 10), !chunk.isEmpty { append(chunk) }
            done.signal()
        }
        thread.name = "bundle.command-output"
        thread.start()
        return done
    }

    func append(_ chunk: Data) {
        lock.lock()
        defer { lock.unlock() }
        data.append(chunk)
        if data.count > limit * 2 { data = data.suffix(limit) }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data.suffix(limit), as: UTF8.self)
    }
}
