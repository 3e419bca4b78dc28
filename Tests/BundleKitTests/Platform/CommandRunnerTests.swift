import Foundation
import Testing

@testable import BundleKit

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

    @Test("output beyond 8 KiB keeps its last 8 KiB")
    func longOutput() throws {
        let outcome = try CommandRunner.run(["/bin/sh", "-c", "seq 1 20000"], timeout: 30)
        #expect(outcome.output.utf8.count == CommandRunner.outputLimit)
        #expect(outcome.output.hasSuffix("\n19999\n20000\n"))
    }

    @Test("a command past its time limit is stopped and named")
    func timeout() throws {
        #expect(throws: CommandError.timedOut(command: ["/bin/sleep", "30"], seconds: 1)) {
            try CommandRunner.run(["/bin/sleep", "30"], timeout: 1)
        }
    }
}
