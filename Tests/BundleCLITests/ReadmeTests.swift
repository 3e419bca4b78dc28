import Foundation
import Testing
import TestSupport

/// Every ```sh block of README.md runs as written, in an empty folder, with the built
/// `bundle` first on PATH: the documentation cannot drift from the program.
@Suite("README")
struct ReadmeTests {
    /// The ```sh blocks of the README, in order, with the line each starts on.
    static func shellBlocks() throws -> [(line: Int, text: String)] {
        let lines = try String(contentsOf: FixturePaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [(line: Int, text: String)] = []
        var current: (line: Int, lines: [Substring])?
        for (index, line) in lines.enumerated() {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```sh" {
                current = (index + 2, [])
            } else if let block = current, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append((block.line, block.lines.joined(separator: "\n") + "\n"))
                current = nil
            } else if current != nil {
                current?.lines.append(line)
            }
        }
        #expect(current == nil, "an ```sh block is not closed")
        return blocks
    }

    @Test("the Use block is an sh block, with keygen, create, verify and restore")
    func useBlockIsChecked() throws {
        let blocks = try Self.shellBlocks()
        let use = try #require(blocks.first { $0.text.contains("bundle restore") }, "no ```sh block runs bundle restore")
        for command in ["bundle keygen", "bundle create", "bundle verify", "--dry-run"] {
            #expect(use.text.contains(command))
        }
    }

    @Test("keys: one signing pair made on the old server, one age pair on the new, only public halves copied")
    func keygenForTwoServers() throws {
        let text = try String(contentsOf: FixturePaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(!text.contains("On both servers, once"), "keygen on both servers makes two unrelated key pairs")
        let keygens = text.split(separator: "\n").filter { $0.contains("bundle keygen --") && !$0.contains("`") }
        #expect(!keygens.isEmpty)
        for line in keygens where line.hasPrefix("    ") {
            let signing = !line.contains("--age")
            #expect(line.contains(signing ? "old> bundle keygen" : "new> bundle keygen"), "\(line)")
        }
        #expect(text.contains("copy migration.pub old -> new"))
        #expect(try Self.shellBlocks().contains { $0.text.contains("copy keys/migration.pub (public) to the new server") })
    }

    @Test("every sh block runs as written in an empty folder", arguments: try ReadmeTests.shellBlocks().map(\.line))
    func runs(line: Int) throws {
        let block = try #require(try Self.shellBlocks().first { $0.line == line })
        let folder = try TemporaryDirectory("readme")
        let path = ProductsDirectory.url.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        // -e and pipefail: a failing command fails the block, as a reader would notice.
        let result = try ExternalTool.run(
            "bash", ["-e", "-o", "pipefail", "-c", block.text], in: folder.url, environment: ["PATH": path, "BUNDLE_FORMATS": ""])
        #expect(result.status == 0, "README.md line \(line): exit \(result.status)\n\(result.output)\(result.errors)")
        #expect(!result.errors.contains("error"), "README.md line \(line): \(result.errors)")
        if block.text.contains("nothing changes") {
            #expect(result.output.contains("nothing to change"), "README.md line \(line): the last restore should change nothing")
        }
    }
}
