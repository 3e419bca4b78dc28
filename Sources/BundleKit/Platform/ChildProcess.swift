import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One running command (see `spawn` for how it starts). This object owns the read end of the
/// command's output pipe and learns of its exit from a reaper thread, so one `poll` loop sees
/// output and exit together and every wait has a deadline: nothing here blocks on a pipe that a
/// daemon keeps open.
final class ChildProcess {
    /// How a command ended.
    enum Termination: Equatable {
        /// It called `exit` with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)
        /// Its status was taken by someone else (`waitpid` said ECHILD).
        case unknown

        /// The status as shells report it: the exit status, 128 + the signal number, or 255.
        var status: Int32 {
            switch self {
            case .exited(let code): return code
            case .signalled(let signal): return 128 + signal
            case .unknown: return 255
            }
        }
    }

    /// The command's pid, which is also its process group's id.
    let pid: pid_t
    /// The group everything the command starts belongs to.
    var group: ProcessGroup { ProcessGroup(id: pid) }
    /// Set once the reaper has collected the exit.
    private(set) var termination: Termination?
    /// True once the output pipe has reached end-of-file: no process holds its write end.
    var outputClosed: Bool { outputFD < 0 }

    private var outputFD: Int32
    private var exitNoticeFD: Int32
    private let reaped: ReapedStatus
    /// Wake-ups at least this often, to re-check conditions that no descriptor signals
    /// (whether a process group has emptied).
    private static let tick: Duration = .milliseconds(50)

    /// Takes over `outputFD` (the output pipe's read end) and `exitNoticeFD` (a pipe's read end
    /// whose write end the reaper closes once `reaped` holds the status).
    init(pid: pid_t, outputFD: Int32, exitNoticeFD: Int32, reaped: ReapedStatus) {
        self.pid = pid
        self.outputFD = outputFD
        self.exitNoticeFD = exitNoticeFD
        self.reaped = reaped
    }

    deinit {
        if outputFD >= 0 { close(outputFD) }
        if exitNoticeFD >= 0 { close(exitNoticeFD) }
    }

    /// Reads output into `output` and collects the exit until `done()` holds (true) or
    /// `deadline` passes (false). Once the deadline has passed, what is ready at that moment is
    /// still taken in one last pass, so output already in the pipe is never lost to a deadline.
    func pump(until deadline: ContinuousClock.Instant, into output: inout OutputTail, done: () -> Bool) -> Bool {
        while !done() {
            let remaining = deadline - ContinuousClock.now
            var watched: [pollfd] = []
            if outputFD >= 0 { watched.append(pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)) }
            if exitNoticeFD >= 0 { watched.append(pollfd(fd: exitNoticeFD, events: Int16(POLLIN), revents: 0)) }
            if poll(&watched, nfds_t(watched.count), Self.milliseconds(min(remaining, Self.tick))) > 0 {
                for entry in watched where entry.revents != 0 {
                    if entry.fd == outputFD { readOutput(into: &output) } else if entry.fd == exitNoticeFD { collectExit() }
                }
            }
            if remaining <= .zero { return done() }
        }
        return true
    }

    /// A `poll` timeout: 0 for a time already past, else at least 1 ms.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: max(1, seconds * 1_000 + attoseconds / 1_000_000_000_000_000))
    }

    /// Sends `signal` to the command's whole process group.
    func signalGroup(_ signal: Int32) {
        group.send(signal)
    }

    /// Stops reading. Whatever still holds the pipe (a daemon the command started) is drained
    /// by a thread of its own until end-of-file, so a daemon that writes later does not die of
    /// SIGPIPE while bundle runs; what it writes is discarded.
    func releaseOutput() {
        guard outputFD >= 0 else { return }
        let fd = outputFD
        outputFD = -1
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                break
            }
            close(fd)
        }
    }

    private func readOutput(into output: inout OutputTail) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let count = buffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
        if count > 0 {
            buffer.withUnsafeBytes { output.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            close(outputFD)
            outputFD = -1
        }
    }

    private func collectExit() {
        guard let status = reaped.value else { return }  // woken before the status was set: not possible, but harmless
        close(exitNoticeFD)
        exitNoticeFD = -1
        termination = status
    }
}

/// The exit status the reaper thread hands over.
final class ReapedStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var termination: ChildProcess.Termination?

    var value: ChildProcess.Termination? {
        lock.lock()
        defer { lock.unlock() }
        return termination
    }

    /// Waits for `pid` on a thread of its own, then records how it ended and closes
    /// `noticeFD`, which wakes the `poll` of whoever holds the other end (closing never raises
    /// SIGPIPE, even when nobody listens any more).
    func reap(_ pid: pid_t, thenClose noticeFD: Int32) {
        Thread.detachNewThread { [self] in
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, 0) } while result == -1 && errno == EINTR
            let signal = status & 0x7f
            let ended: ChildProcess.Termination =
                result != pid ? .unknown : signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
            lock.lock()
            termination = ended
            lock.unlock()
            close(noticeFD)
        }
    }
}
