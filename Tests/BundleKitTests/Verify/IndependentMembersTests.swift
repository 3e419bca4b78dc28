import ArchiveIO
import BundleCrypto
import BundleKit
import Foundation
import Testing
import TestSupport

/// Format 1.1: the payload is independent gzip members (each with its length in a `BM` header
/// field) or zstd frames, read on every core by bundle and as one ordinary stream by gzip,
/// zstd, GNU tar and bsdtar; a flipped bit in any member's framing is still a named problem.
@Suite("format 1.1: independent payload members")
struct IndependentMembersTests {
    let tree: SourceTree

    init() throws {
        tree = try SourceTree()
    }

    /// Where the payload starts: the first 4 KiB boundary after the header stream's padding.
    static func payloadStart(_ bytes: [UInt8], _ compression: Compression) -> Int? {
        let magic: [UInt8] = compression == .gzip ? [0x1f, 0x8b, 8, 4, 0, 0, 0, 0] : [0x28, 0xB5, 0x2F, 0xFD]
        return stride(from: 4096, to: bytes.count, by: 4096).first { Array(bytes[$0..<$0 + magic.count]) == magic }
    }

    /// The payload members' ranges, walked by their `BM` lengths.
    static func gzipMembers(_ bytes: [UInt8]) throws -> [Range<Int>] {
        var at = try #require(payloadStart(bytes, .gzip))
        var members: [Range<Int>] = []
        while at < bytes.count {
            #expect(Array(bytes[at..<at + 16]) == [0x1f, 0x8b, 8, 4, 0, 0, 0, 0, bytes[at + 8], 3, 8, 0, 0x42, 0x4d, 4, 0])
            let length = (0..<4).reduce(0) { $0 | Int(bytes[at + 16 + $1]) << (8 * $1) }
            try #require(length >= 28 && at + length <= bytes.count)
            members.append(at..<at + length)
            at += length
        }
        return members
    }

    private func verify(_ bytes: [UInt8], _ name: String = "flipped.bundle") throws -> [VerifyProblem] {
        let url = tree.work.path(name)
        try Data(bytes).write(to: url)
        return try Verifier(bundle: url.path, publicKey: tree.key.publicKey).run().problems
    }

    private func expectNamed(_ original: [UInt8], _ offset: Int, bit: Int, _ label: String) throws {
        var bytes = original
        bytes[offset] ^= UInt8(1 << bit)
        let problems = try verify(bytes)
        #expect(!problems.isEmpty, "\(label): a flip of bit \(bit) at byte \(offset) verifies")
        #expect(problems.contains { CanonicalBytesTests.named($0) }, "\(label) byte \(offset): \(problems.map(\.description))")
    }

    @Test("a gzip bundle's payload is members of 512 KiB of tar whose BM lengths lead to the end of the file; it verifies and restores")
    func gzipLayout() throws {
        let result = try tree.capture("members.bundle", compression: .gzip)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: result.output)))
        let members = try Self.gzipMembers(bytes)
        // big.bin alone is 3 MiB: at least six members of 512 KiB.
        #expect(members.count >= 6)
        #expect(members.last?.upperBound == bytes.count)
        // Each member's ISIZE is 512 KiB but the last one's.
        for member in members.dropLast() {
            let isize = (0..<4).reduce(0) { $0 | Int(bytes[member.upperBound - 4 + $1]) << (8 * $1) }
            #expect(isize == 512 * 1024)
        }
        #expect(try verify(bytes, "intact.bundle").isEmpty)
        let target = try TemporaryDirectory("members-target")
        _ = try Restorer(options: tree.restoreOptions(result.output, root: target.url)).run()
        #expect(try Data(contentsOf: target.path("opt/test/Templates/big.bin")) == Data(contentsOf: tree.root.path("opt/test/Templates/big.bin")))
    }

    @Test("a flipped bit in a member's header, its BM length, its deflate data or its trailer is named")
    func gzipFlips() throws {
        let result = try tree.capture("members.bundle", compression: .gzip)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: result.output)))
        let members = try Self.gzipMembers(original)
        for index in Set([0, members.count / 2, members.count - 1]).sorted() {
            let member = members[index]
            for offset in [3, 8, 9, 11, 13, 16, 17, 18, 19] {
                try expectNamed(original, member.lowerBound + offset, bit: offset % 8, "member \(index) header")
            }
            try expectNamed(original, member.lowerBound + member.count / 2, bit: 5, "member \(index) data")
            try expectNamed(original, member.upperBound - 8, bit: 0, "member \(index) CRC-32")
            try expectNamed(original, member.upperBound - 3, bit: 1, "member \(index) ISIZE")
        }
    }

    @Test("a BM length that points into the next member is named, not trusted")
    func gzipWrongLength() throws {
        let result = try tree.capture("members.bundle", compression: .gzip)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: result.output)))
        let members = try Self.gzipMembers(bytes)
        // The first member claims 100 bytes more: its deflate data does not end there.
        let first = members[0]
        let claimed = first.count + 100
        for index in 0..<4 { bytes[first.lowerBound + 16 + index] = UInt8(truncatingIfNeeded: claimed >> (8 * index)) }
        let problems = try verify(bytes)
        #expect(problems.contains { $0.code == "non-canonical" && $0.description.contains("BM field says \(claimed) bytes") }, "\(problems.map(\.description))")
    }

    @Test("a zstd bundle's payload is several frames; it verifies, and a flip at each frame's start is named")
    func zstdFrames() throws {
        let result = try tree.capture("frames.bundle", compression: .zstd)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: result.output)))
        #expect(try verify(original, "intact.bundle").isEmpty)
        let start = try #require(Self.payloadStart(original, .zstd))
        let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        let frames = (start..<original.count - 4).filter { Array(original[$0..<$0 + 4]) == magic }
        #expect(frames.count >= 3, "3 MiB of tar in frames of 1 MiB")
        for (index, frame) in frames.prefix(4).enumerated() {
            try expectNamed(original, frame + 4, bit: index % 8, "frame \(index) header")
            try expectNamed(original, frame + 8, bit: 2, "frame \(index) first block")
        }
        try expectNamed(original, original.count - 10, bit: 6, "last frame")
    }

    @Test("gzip -dc, zstd -dc, GNU tar and bsdtar read a bundle of many members as one stream",
          .enabled(if: ["gzip", "zstd", "tar", "bsdtar"].allSatisfy { ExternalTool.find($0) != nil }),
          arguments: [Compression.gzip, .zstd])
    func interop(compression: Compression) throws {
        let result = try tree.capture("interop.bundle", compression: compression)
        let big = try Data(contentsOf: tree.root.path("opt/test/Templates/big.bin"))
        let tool = compression == .gzip ? "gzip" : "zstd"
        let test = try ExternalTool.run(tool, ["-t", result.output])
        #expect(test.status == 0, "\(tool) -t: \(test.errors)")
        for (name, args) in [
            ("tar", (compression == .gzip ? ["-xzf"] : ["--zstd", "-xf"]) + [result.output]),
            ("bsdtar", ["-xf", result.output]),
        ] {
            let out = try TemporaryDirectory("interop-\(name)")
            let extract = try ExternalTool.run(name, args + ["-C", out.url.path])
            #expect(extract.status == 0, "\(name) \(args): \(extract.errors)")
            #expect(try Data(contentsOf: out.path("files/templates/big.bin")) == big, "\(name)")
            let sums = try ExternalTool.run("sha256sum", ["-c", "--quiet", "SHA256SUMS"], in: out.url)
            #expect(sums.status == 0, "\(name): \(sums.output)")
        }
    }
}
