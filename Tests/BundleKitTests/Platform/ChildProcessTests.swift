import Foundation
import Testing

@testable import BundleKit

#if canImport(Glibc)
import Glibc
#endif

/// What a command finds when it starts: its signals, its process group, its descriptors. Each
/// test first makes the calling side hold what must not leak, so it fails if it would.
@Suite("child process start")
struct ChildProcessTests {
    @Test("the child starts with an empty signal mask and no ignored signal, whatever the caller blocks and ignores")
    func signals() throws {
        // What bundle does on start-up (ScratchRegistry ignores SIGINT, SIGTERM, SIGHUP) and
        // what a runtime thread may block; only SIGPIPE is ignored process-wide here, which is
        // harmless to other tests.
        signal(SIGPIPE, SIG_IGN)
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&blocked, number) }
        var previous = sigset_t()
        #expect(pthread_sigmask(SIG_BLOCK, &blocked, &previous) == 0)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let caller = ProcessTable.signalMasks(try String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8))
        #expect(caller["SigBlk"] != "0000000000000000")
        #expect(caller["SigIgn"] != "0000000000000000")

        // grep reads its own status. (A shell's would mislead: dash blocks every signal while
        // it waits for a child such as that grep.)
        let outcome = try CommandRunner.run(["grep", "Sig", "/proc/self/status"], timeout: 30)
        let child = ProcessTable.signalMasks(outcome.output)
        #expect(child["SigBlk"] == "0000000000000000", "\(outcome.output)")
        #expect(child["SigIgn"] == "0000000000000000", "\(outcome.output)")
    }

    @Test("the child leads a process group of its own")
    func ownGroup() throws {
        let outcome = try CommandRunner.run(["/bin/sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"], timeout: 30)
        let numbers = outcome.output.split(separator: "\n").compactMap { pid_t($0) }
        #expect(numbers.count == 2, "\(outcome.output)")
        #expect(numbers.first == numbers.last, "its group is not its own pid")
        #expect(numbers.last != getpgrp())
    }

    @Test("the child holds only descriptors 0, 1 and 2, with stdin from /dev/null")
    func descriptors() throws {
        let leaky = open("/dev/null", O_RDONLY)  // no O_CLOEXEC: exec alone would pass it on
        #expect(leaky > 2)
        defer { close(leaky) }
        #expect(fcntl(leaky, F_GETFD) & FD_CLOEXEC == 0)

        let outcome = try CommandRunner.run(["/bin/sh", "-c", "ls /proc/$$/fd; readlink /proc/$$/fd/0"], timeout: 30)
        #expect(outcome.output == "0\n1\n2\n/dev/null\n")
    }
}
