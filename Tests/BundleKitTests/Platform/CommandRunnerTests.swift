import Foundation
import Testing
import TestSupport

@testable import BundleKit

#if canImport(Glibc)
import Glibc
#endif

/// Real processes through the runner: output, time limits, and what is left running after.
@Suite("command runner")
struct CommandRunnerTests {
    @Test("every byte the command wrote before exiting is in its outcome, stdout and stderr alike")
    func wholeOutput() throws {
        // A failing command's output ends up in the error message: it must not be lost.
        let script = "for i in $(seq 1 300); do echo line $i; done; echo wrong machine >&2; exit 3"
        #expect(throws: CommandError.failed(command: ["/bin/sh", "-c", script], status: 3, output: (1...300).map { "line \($0)\n" }.joined() + "wrong machine\n")) {
            try CommandRunner.run(["/bin/sh", "-c", script], timeout: 30)
        }
        for _ in 0..<20 {
            let outcome = try CommandRunner.run(["/bin/sh", "-c", "echo out; echo err >&2"], timeout: 30)
            #expect(outcome.output.split(separator: "\n").sorted() == ["err", "out"])
        }
    }

    @Test("output far beyond 8 KiB (and beyond a pipe's buffer) keeps its last 8 KiB")
    func longOutput() throws {
        let outcome = try CommandRunner.run(["/bin/sh", "-c", "seq 1 200000"], timeout: 30)
        #expect(outcome.output.utf8.count == CommandRunner.outputLimit)
        #expect(outcome.output.hasSuffix("\n199999\n200000\n"))
    }

    @Test("a command past its time limit is stopped and named")
    func timeout() throws {
        #expect(throws: CommandError.timedOut(command: ["/bin/sleep", "30"], seconds: 1)) {
            try CommandRunner.run(["/bin/sleep", "30"], timeout: 1)
        }
    }

    @Test("a daemonizing command returns soon after its exit with its output, and its daemon keeps running")
    func daemonKeepsPipe() throws {
        // The background sleep inherits stdout, so the pipe stays open as long as it runs.
        let command = ["/bin/sh", "-c", "sleep 600 & echo $$ $!; echo started"]
        var outcome: CommandOutcome?
        let elapsed = try ContinuousClock().measure { outcome = try CommandRunner.run(command, timeout: 60) }
        let lines = try #require(outcome).output.split(separator: "\n")
        let ids = lines.first?.split(separator: " ").compactMap { pid_t($0) } ?? []
        let daemon = try #require(ids.last)
        defer { kill(daemon, SIGKILL) }
        #expect(lines.last == "started")
        #expect(ids.count == 2)
        #expect(seconds(elapsed) < seconds(CommandRunner.drainGrace) + 1.5, "took \(elapsed)")

        Thread.sleep(forTimeInterval: 0.3)
        #expect(ProcessTable.isAlive(daemon), "the daemon was stopped with its starter")
        #expect(ProcessTable.entry(daemon)?.group == ids.first, "the daemon is in the command's group")
        #expect(!ScratchRegistry.shared.hasChild(ids[0]), "a finished command's group is no longer stopped on interrupt")
    }

    @Test("a hung step fails within its timeout plus a few seconds and leaves no process of its group")
    func hungStep() throws {
        let folder = try TemporaryDirectory("runner")
        let command = ["/bin/sh", "-c", "echo $$ > \(folder.path("group").path); sleep 600 & sleep 600"]
        let elapsed = ContinuousClock().measure {
            #expect(throws: CommandError.timedOut(command: command, seconds: 2)) { try CommandRunner.run(command, timeout: 2) }
        }
        #expect(seconds(elapsed) >= 2 && seconds(elapsed) < 4, "took \(elapsed)")
        let group = try #require(pid_t(String(contentsOf: folder.path("group"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessTable.liveMembers(of: group) == [])
    }

    @Test("a group that ignores SIGTERM is killed with SIGKILL after the grace")
    func ignoresTerm() throws {
        let folder = try TemporaryDirectory("runner")
        // `trap '' TERM` ignores it in the shell and in the sleeps it starts.
        let command = ["/bin/sh", "-c", "trap '' TERM; echo $$ > \(folder.path("group").path); sleep 600 & sleep 600"]
        let elapsed = ContinuousClock().measure {
            #expect(throws: CommandError.timedOut(command: command, seconds: 1)) { try CommandRunner.run(command, timeout: 1) }
        }
        let grace = seconds(CommandRunner.killGrace)
        #expect(seconds(elapsed) >= 1 + grace - 0.1 && seconds(elapsed) < 1 + grace + 2, "took \(elapsed)")
        let group = try #require(pid_t(String(contentsOf: folder.path("group"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessTable.liveMembers(of: group) == [])
    }

    @Test("a failed command's leftover children are stopped with it")
    func failedLeavesNothing() throws {
        let command = ["/bin/sh", "-c", "sleep 600 & echo $!; exit 3"]
        var leftover: pid_t?
        let elapsed = ContinuousClock().measure {
            do throws(CommandError) {
                try CommandRunner.run(command, timeout: 60)
                Issue.record("a command exiting 3 succeeded")
            } catch {
                guard case .failed(_, let status, let output) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(status == 3)
                leftover = pid_t(output.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        let pid = try #require(leftover)
        defer { kill(pid, SIGKILL) }
        #expect(!ProcessTable.isAlive(pid))
        #expect(seconds(elapsed) < 2, "took \(elapsed)")
    }

    @Test("a command ended by a signal is a failure with status 128 + the signal")
    func signalled() throws {
        #expect(throws: CommandError.failed(command: ["/bin/sh", "-c", "kill -KILL $$"], status: 128 + SIGKILL, output: "")) {
            try CommandRunner.run(["/bin/sh", "-c", "kill -KILL $$"], timeout: 30)
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
