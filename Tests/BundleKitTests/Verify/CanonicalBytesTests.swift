import ArchiveIO
import BundleCrypto
import BundleKit
import Foundation
import Testing
import TestSupport

/// Every byte of a bundle is accounted for: a single flipped bit anywhere, in a member's data, a
/// tar header, the padding, the gzip/zstd framing or the end-of-archive blocks, is a problem that
/// names a member or a byte range. The bundles are the golden ones this build wrote
/// (`Fixtures/golden/`, `scripts/make-golden-fixtures`).
@Suite("canonical bytes: every single-bit flip is a named problem")
struct CanonicalBytesTests {
    static let golden = FixturePaths.fixture("golden")
    static let key: MinisignPublicKey = {
        let text = try! String(contentsOf: golden.appendingPathComponent("signing.pub"), encoding: .utf8)
        return try! MinisignPublicKey(fileContents: text, source: "signing.pub")
    }()

    static func bundle(_ compression: String) -> URL {
        golden.appendingPathComponent("0.1.0-crc-padding-demo-\(compression).bundle")
    }

    /// The problems `bytes` verifies with.
    static func verify(_ bytes: [UInt8], in dir: TemporaryDirectory, name: String = "flipped.bundle") throws -> [VerifyProblem] {
        let file = try dir.write(name, Data(bytes))
        return try Verifier(bundle: file.path, publicKey: key).run().problems
    }

    /// A problem that says where: a member, a byte range (of the file or of the tar stream in
    /// it), or the signature itself.
    static func named(_ problem: VerifyProblem) -> Bool {
        switch problem {
        case .nonCanonical, .signature: return true
        default: return problem.member != nil || problem.description.contains("bytes ")
        }
    }

    /// Flips `bit` of byte `offset` and expects named problems; returns them.
    @discardableResult
    static func expectDetected(_ original: [UInt8], offset: Int, bit: Int, in dir: TemporaryDirectory, _ label: String) throws -> [VerifyProblem] {
        var bytes = original
        bytes[offset] ^= UInt8(1 << bit)
        let problems = try verify(bytes, in: dir)
        #expect(!problems.isEmpty, "\(label): a flip of bit \(bit) at byte \(offset) verifies")
        #expect(problems.contains(where: named), "\(label): byte \(offset) bit \(bit): \(problems.map(\.description))")
        return problems
    }

    @Test("the golden bundles verify as they are", arguments: ["gzip", "zstd", "none"])
    func intact(compression: String) throws {
        let dir = try TemporaryDirectory("canonical")
        let bytes = [UInt8](try Data(contentsOf: Self.bundle(compression)))
        #expect(try Self.verify(bytes, in: dir).isEmpty)
    }

    @Test("one bit flipped in every 512-byte block is detected by name", arguments: ["gzip", "zstd", "none"])
    func sweep(compression: String) throws {
        let dir = try TemporaryDirectory("canonical")
        let original = [UInt8](try Data(contentsOf: Self.bundle(compression)))
        var flips = 0
        for block in 0..<(original.count + 511) / 512 {
            // A spread of positions within the blocks and of bits within the bytes.
            let offset = min(original.count - 1, block * 512 + (block * 197 + 61) % 512)
            try Self.expectDetected(original, offset: offset, bit: block % 8, in: dir, "\(compression) block \(block)")
            flips += 1
        }
        #expect(flips == (original.count + 511) / 512)
    }

    @Test("every byte of the padding is checked, and of the framing around it", arguments: ["gzip", "zstd"])
    func padding(compression: String) throws {
        let dir = try TemporaryDirectory("canonical")
        let original = [UInt8](try Data(contentsOf: Self.bundle(compression)))
        // The padding ends at a 4 KiB boundary, where the payload stream starts.
        let end = 4096
        let magic: [UInt8] = compression == "gzip" ? [0x1f, 0x8b, 8, 4] : [0x50, 0x2A, 0x4D, 0x18]
        let start = try #require((0..<end - 4).first { Array(original[$0..<$0 + 4]) == magic })
        for offset in start..<end + 16 {
            try Self.expectDetected(original, offset: offset, bit: offset % 8, in: dir, "\(compression) padding")
        }
        // The check field (CRC-32 and count) names the padding's bytes.
        let field = StreamPadding.checkRange(for: compression == "gzip" ? .gzip : .zstd)
        let problems = try Self.expectDetected(original, offset: start + field.lowerBound, bit: 0, in: dir, "check")
        #expect(problems.contains { $0.code == "non-canonical" && $0.description.contains("file bytes \(start + field.lowerBound)") }, "\(problems)")
        // A flip in the compressed payload far from any header is caught by the check too.
        try Self.expectDetected(original, offset: original.count - 20, bit: 3, in: dir, "payload end")
    }

    @Test("bytes appended after the end, or one byte cut off, are named", arguments: ["gzip", "zstd", "none"])
    func trailing(compression: String) throws {
        let dir = try TemporaryDirectory("canonical")
        let original = [UInt8](try Data(contentsOf: Self.bundle(compression)))
        for extra in [[UInt8](repeating: 0, count: 512), [0x1f], Array("junk".utf8)] {
            let problems = try Self.verify(original + extra, in: dir)
            #expect(problems.contains(where: Self.named), "\(compression) + \(extra.count) bytes: \(problems)")
        }
        let cut = try Self.verify(Array(original.dropLast()), in: dir)
        #expect(!cut.isEmpty)
    }

    @Test("an older writer's zero padding still verifies; a flip in it does not", arguments: [Compression.gzip, .zstd])
    func zeroPadding(compression: Compression) throws {
        let dir = try TemporaryDirectory("canonical")
        var bytes = [UInt8](try Data(contentsOf: Self.bundle(compression.rawValue)))
        let magic: [UInt8] = compression == .gzip ? [0x1f, 0x8b, 8, 4] : [0x50, 0x2A, 0x4D, 0x18]
        let start = try #require((0..<4092).first { Array(bytes[$0..<$0 + 4]) == magic })
        for index in StreamPadding.checkRange(for: compression) { bytes[start + index] = 0 }
        #expect(try Self.verify(bytes, in: dir).isEmpty)
        try Self.expectDetected(bytes, offset: start + 40, bit: 2, in: dir, "zero padding")
    }

    @Test("an extra member is only extra: the members after it are still compared with their own headers", arguments: [Compression.gzip, .none])
    func extraMember(compression: Compression) throws {
        let dir = try TemporaryDirectory("canonical")
        var rewriter = try BundleRewriter(Self.bundle(compression.rawValue))
        rewriter.put("files/config/aaa-extra.txt", Data("not listed\n".utf8))
        let file = dir.path("extra.bundle")
        try rewriter.write(to: file, compression: compression)
        let problems = try Verifier(bundle: file.path, publicKey: Self.key).run().problems
        #expect(problems.map(\.code) == ["extra"], "\(problems.map(\.description))")
    }
}
