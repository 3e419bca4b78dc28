import ArchiveIO
import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Each test breaks one thing in a good bundle and expects exactly that problem, by name.
@Suite("tampering is detected by name")
struct TamperTests {
    let tree: SourceTree
    let good: URL

    init() throws {
        tree = try SourceTree()
        good = URL(fileURLWithPath: try tree.capture("good.bundle", compression: .none).output)
    }

    /// The report, which must be the same when the manifest and SHA256SUMS are spooled to
    /// scratch files and mapped (as for a large bundle) as when they are held in memory; the
    /// scratch files are gone afterwards.
    private func verify(_ url: URL, key: MinisignPublicKey? = nil) throws -> VerifyReport {
        let inMemory = try Verifier(bundle: url.path, publicKey: key ?? tree.key.publicKey).run()
        var limits = VerifyLimits.standard
        limits.headerMemberInMemory = 0
        let scratch = tree.work.path("scratch-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
        let spooled = try Verifier(bundle: url.path, publicKey: key ?? tree.key.publicKey, limits: limits, scratchFolder: scratch.path).run()
        #expect(spooled.problems == inMemory.problems)
        #expect(spooled.manifest == inMemory.manifest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
        return inMemory
    }

    private func tampered(_ change: (inout BundleRewriter) throws -> Void) throws -> URL {
        var rewriter = try BundleRewriter(good)
        try change(&rewriter)
        let url = tree.work.path("tampered-\(UUID().uuidString.prefix(6)).bundle")
        try rewriter.write(to: url)
        return url
    }

    @Test("the good bundle verifies")
    func intact() throws {
        let report = try verify(good)
        #expect(report.problems == [])
        #expect(report.isValid)
        #expect(report.membersChecked == 8)
        #expect(report.signerKeyID == tree.key.publicKey.keyIDHex)
    }

    @Test("a flipped payload byte names the member")
    func flippedPayloadByte() throws {
        let member = "files/templates/welcome.html"
        let url = try tampered { bundle in
            let index = try #require(bundle.index(of: member))
            bundle.members[index].data[3] ^= 0x01
        }
        let problems = try verify(url).problems
        #expect(problems.count == 1)
        #expect(problems.first?.code == "checksum-mismatch")
        #expect(problems.first?.member == member)
    }

    @Test("a flipped manifest byte is a manifest checksum mismatch")
    func flippedManifestByte() throws {
        let url = try tampered { bundle in
            let index = try #require(bundle.index(of: "MANIFEST.json"))
            let position = try #require(bundle.members[index].data.firstRange(of: Data("old-server".utf8))).lowerBound
            bundle.members[index].data[position] = UInt8(ascii: "O")
        }
        let problems = try verify(url).problems
        #expect(problems.contains { $0.code == "checksum-mismatch" && $0.member == "MANIFEST.json" })
        #expect(problems.contains { $0.code == "trusted-comment-mismatch" })
    }

    @Test("a dropped member is missing")
    func droppedMember() throws {
        let url = try tampered { $0.members.remove(at: try #require($0.index(of: "files/config/app.conf"))) }
        #expect(try verify(url).problems == [.missing(member: "files/config/app.conf")])
    }

    @Test("an added member is extra")
    func addedMember() throws {
        let url = try tampered { bundle in
            bundle.members.append(.init(header: EntryHeader(path: "files/zz/evil.sh", size: 3), data: Data("rm\n".utf8)))
        }
        #expect(try verify(url).problems == [.extra(member: "files/zz/evil.sh")])
    }

    @Test("a duplicated member is a duplicate")
    func duplicatedMember() throws {
        let url = try tampered { bundle in
            bundle.members.append(bundle.members[try #require(bundle.index(of: "files/templates/welcome.html"))])
        }
        #expect(try verify(url).problems == [.duplicate(member: "files/templates/welcome.html")])
    }

    @Test("reordered members are out of order")
    func reordered() throws {
        let url = try tampered { bundle in
            let first = try #require(bundle.index(of: "files/config/app.conf"))
            let second = try #require(bundle.index(of: "files/key/server.key.age"))
            bundle.members.swapAt(first, second)
        }
        #expect(try verify(url).problems == [.outOfOrder(member: "files/config/app.conf")])
    }

    @Test("a bundle signed by another key is refused by key id")
    func wrongKey() throws {
        let other = MinisignSecretKey.generate().publicKey
        let problems = try verify(good, key: other).problems
        #expect(problems.count == 1)
        #expect(problems.first?.code == "signature-invalid")
        #expect(problems.first.map(String.init(describing:))?.contains(other.keyIDHex) == true)
    }

    @Test("an edited SHA256SUMS breaks the signature")
    func editedChecksums() throws {
        let url = try tampered { bundle in
            let index = try #require(bundle.index(of: "SHA256SUMS"))
            bundle.members[index].data.append(contentsOf: Data("SHA256 (files/x/y) = \(String(repeating: "0", count: 64))\n".utf8))
        }
        let problems = try verify(url).problems
        #expect(problems.contains { $0.code == "signature-invalid" })
        #expect(problems.contains(.listsDisagree(member: "files/x/y", reason: "in SHA256SUMS but not in MANIFEST.json")))
    }

    @Test("a truncated file is reported, and what follows the cut is missing", arguments: [0.3, 0.6, 0.97])
    func truncated(fraction: Double) throws {
        for compression in Compression.allCases {
            let source = URL(fileURLWithPath: try tree.capture("cut-\(compression)-\(fraction).bundle", compression: compression).output)
            var data = try Data(contentsOf: source)
            data = data.prefix(Int(Double(data.count) * fraction))
            let url = tree.work.path("cut-\(compression)-\(fraction).short")
            try data.write(to: url)
            let report = try verify(url)
            #expect(!report.isValid, "\(compression) cut at \(fraction)")
            #expect(report.problems.contains { ["truncated", "missing", "unreadable", "header-member-missing"].contains($0.code) }, "\(compression): \(report.problems)")
        }
    }

    @Test("a missing header member is named")
    func missingSignature() throws {
        let url = try tampered { $0.members.remove(at: try #require($0.index(of: "SHA256SUMS.minisig"))) }
        #expect(try verify(url).problems == [.headerMemberMissing(expected: "SHA256SUMS.minisig", found: "files/config/app.conf")])
    }

    @Test("a payload member that is a symlink is refused")
    func symlinkMember() throws {
        let url = try tampered { bundle in
            let index = try #require(bundle.index(of: "files/config/app.conf"))
            bundle.members[index].header.kind = .symlink(target: "/etc/passwd")
            bundle.members[index].data = Data()
        }
        #expect(try verify(url).problems == [.notRegular(member: "files/config/app.conf", kind: "symbolic link to /etc/passwd")])
    }
}
