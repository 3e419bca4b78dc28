#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one command did: for reports (output is truncated, never parsed).
public struct CommandOutcome: Sendable, Equatable, Encodable {
    /// The argument vector as run.
    public var command: [String]
    /// Exit status (128 + N when signal N ended it).
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
    /// It exited non-zero, or a signal ended it (status 128 + the signal's number).
    case failed(command: [String], status: Int32, output: String)
    /// It ran past its time limit; its whole process group was stopped.
    case timedOut(command: [String], seconds: Int)

    /// A message naming the command and what to do.
    public var description: String {
        switch self {
        case .cannotStart(let command, let reason):
            return "cannot run \(command.first ?? "?"): \(reason)."
        case .failed(let command, let status, let output):
            let tail = output.isEmpty ? "" : "; its output ends with:\n" + output.suffix(1_000)
            return "\(CommandRunner.display(command)) exited with status \(status)\(tail)"
        case .timedOut(let command, let seconds):
            return "\(CommandRunner.display(command)) did not finish within \(seconds) s and was stopped."
        }
    }
}

/// Runs every command bundle starts (services, steps, exports and imports, checks, the
/// service manager): an argument vector, never a shell, with a time limit that real software
/// cannot stretch. Secrets never go on the command line: commands get file paths (`{out}`,
/// `{in}`).
///
/// At each edge:
/// - start: a name without `/` is looked up on `PATH` (`ExecutableSearch`); the command gets
///   a process group of its own, an empty signal mask, default signal actions, /dev/null as
///   input and no descriptor but 0, 1, 2 (`ChildProcess.spawn`);
/// - timeout: it bounds the whole run, reading the output included. When it passes, the whole
///   group gets SIGTERM, then SIGKILL after `killGrace`;
/// - failure: a command that exits non-zero (or is killed) has its group stopped the same way,
///   so nothing it left behind keeps running;
/// - success: what it left running (a service's daemon) keeps running. Its output is read
///   until end-of-file, but at most `drainGrace` after the exit: a daemon that keeps the
///   inherited stdout or stderr open does not hold bundle up.
public enum CommandRunner {
    static let outputLimit = 8 << 10
    /// How long output is still read after a command's exit while something it started keeps
    /// the pipe open. What the command wrote itself is in the pipe when it exits and is read
    /// at once; this covers children that print just after, without making every daemonizing
    /// service start wait long.
    static let drainGrace: Duration = .seconds(1)
    /// Between SIGTERM and SIGKILL to a timed-out or failed command's group, and again after
    /// SIGKILL before bundle stops waiting for the command's exit.
    static let killGrace: Duration = .seconds(3)

    /// Runs `command` and waits at most `timeout` seconds; throws `CommandError` unless it exits 0.
    @discardableResult
    public static func run(_ command: [String], timeout: Int) throws(CommandError) -> CommandOutcome {
        let start = ContinuousClock.now
        let deadline = start + .seconds(max(0, timeout))
        let executable = try ExecutableSearch.executable(for: command)
        let child = try ChildProcess.spawn(executable, command: command)
        // A signal to bundle stops the group too (ScratchRegistry), until the command is done.
        ScratchRegistry.shared.addChild(child.pid)
        defer {
            ScratchRegistry.shared.removeChild(child.pid)
            child.releaseOutput()
        }
        var output = OutputTail(limit: outputLimit)

        guard child.pump(until: deadline, into: &output, done: { child.termination != nil }) else {
            stop(child, reading: &output)
            throw .timedOut(command: command, seconds: timeout)
        }
        let termination = child.termination ?? .unknown
        guard termination == .exited(0) else {
            stop(child, reading: &output)
            _ = child.pump(until: .now + drainGrace, into: &output) { child.outputClosed }
            throw .failed(command: command, status: termination.status, output: output.text)
        }
        _ = child.pump(until: min(.now + drainGrace, deadline), into: &output) { child.outputClosed }
        return CommandOutcome(command: command, status: 0, output: output.text, seconds: seconds(since: start))
    }

    /// SIGTERM to the command's group, SIGKILL after `killGrace` if anything of it is still
    /// alive, then at most `killGrace` more for the command's exit: bounded even when a process
    /// cannot die (stuck in the kernel); its reaper thread collects it whenever it does.
    private static func stop(_ child: ChildProcess, reading output: inout OutputTail) {
        let gone = { child.termination != nil && !child.group.hasLiveMembers }
        if gone() { return }  // the usual failure: nothing left to signal
        child.signalGroup(SIGTERM)
        if child.pump(until: .now + killGrace, into: &output, done: gone) { return }
        child.signalGroup(SIGKILL)
        _ = child.pump(until: .now + killGrace, into: &output, done: gone)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// A command as people read it, arguments with spaces quoted.
    static func display(_ command: [String]) -> String {
        command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}
