import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A program name without `/` is found on PATH as a shell would; a missing one is named.
@Suite("executable search")
struct ExecutableSearchTests {
    @Test("a bare name is found on PATH and run")
    func bareName() throws {
        let outcome = try CommandRunner.run(["sh", "-c", "echo found"], timeout: 30)
        #expect(outcome.output == "found\n")
        #expect(outcome.command == ["sh", "-c", "echo found"])
    }

    @Test("PATH is searched in order, past files that cannot be executed and empty entries")
    func order() throws {
        let folder = try TemporaryDirectory("path")
        try folder.write("a/tool", "#!/bin/sh\necho a\n", mode: 0o644)
        try folder.write("b/tool", "#!/bin/sh\necho b\n", mode: 0o755)
        try folder.write("c/tool", "#!/bin/sh\necho c\n", mode: 0o755)
        try FileManager.default.createDirectory(at: folder.path("d/tool"), withIntermediateDirectories: true)
        let path = ["", folder.path("d").path, folder.path("a").path, folder.path("b").path + "/", folder.path("c").path].joined(separator: ":")
        #expect(try ExecutableSearch.executable(for: ["tool"], searchPath: path) == folder.path("b").path + "/tool")
        #expect(try ExecutableSearch.executable(for: ["./tool"], searchPath: path) == "./tool")
    }

    @Test("a program that exists on PATH but cannot be executed is named")
    func notExecutable() throws {
        let folder = try TemporaryDirectory("path")
        try folder.write("a/tool", "#!/bin/sh\n", mode: 0o644)
        #expect {
            try ExecutableSearch.executable(for: ["tool", "x"], searchPath: folder.path("a").path)
        } throws: { error in
            guard case CommandError.cannotStart(let command, let reason) = error else { return false }
            return command == ["tool", "x"] && reason.contains(folder.path("a/tool").path) && reason.contains("not executable")
        }
    }

    @Test("a missing program cannot start, and the message names it", arguments: ["bundle-no-such-program-4d1e", "/nonexistent/bundle-no-such-program-4d1e"])
    func missing(program: String) throws {
        do throws(CommandError) {
            try CommandRunner.run([program, "--version"], timeout: 30)
            Issue.record("\(program) ran")
        } catch {
            guard case .cannotStart(let command, let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(command == [program, "--version"])
            #expect(reason.contains(program.hasPrefix("/") ? "No such file or directory" : "PATH="), "\(reason)")
            #expect(error.description.hasPrefix("cannot run \(program): "))
        }
    }
}
