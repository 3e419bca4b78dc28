#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import Testing
import TestSupport

/// Format longevity: every bundle in `Fixtures/golden/` (written by a release or an earlier
/// commit, `scripts/make-golden-fixtures`) still verifies with this build and restores to exactly
/// the tree its `.listing` records. A golden bundle is never regenerated, only added to; when
/// one stops verifying, the change broke format 1.
@Suite("golden bundles from earlier writers verify and restore unchanged")
struct GoldenBundleTests {
    static let folder = FixturePaths.fixture("golden")
    static let publicKey = folder.appendingPathComponent("signing.pub").path
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".bundle") }.map { String($0.dropLast(".bundle".count)) }.sorted()
    }()

    /// What restore needs beyond the bundle: the `owned` bundles use a local profile (one this
    /// machine trusts) and hold an age member for the test identity.
    static func restoreArguments(_ name: String) -> [String] {
        guard name.contains("-owned-") else { return [] }
        return [
            "--profile", FixturePaths.fixture("profiles/owned-app.yaml").path,
            "--identity", folder.appendingPathComponent("age.identity").path,
        ]
    }

    /// The tree below `root` as `scripts/make-golden-fixtures` lists it: sorted by path, one
    /// line each: type, mode, size, SHA-256 or link text, path.
    static func listing(_ root: URL) throws -> String {
        var lines: [(String, String)] = []
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let relative = enumerator?.nextObject() as? String {
            let path = root.appendingPathComponent(relative).path
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            let digits = String(UInt32(status.st_mode) & 0o7777, radix: 8)
            let mode = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            switch UInt32(status.st_mode) & UInt32(S_IFMT) {
            case UInt32(S_IFLNK):
                lines.append((relative, "l \(mode) - \(try FileManager.default.destinationOfSymbolicLink(atPath: path)) \(relative)"))
            case UInt32(S_IFDIR):
                lines.append((relative, "d \(mode) - - \(relative)"))
            default:
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                lines.append((relative, "f \(mode) \(data.count) \(digest) \(relative)"))
            }
        }
        return lines.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }.map(\.1).joined(separator: "\n") + "\n"
    }

    @Test("the golden set covers gzip, zstd, none, age, symlinks, folders, and more than one writer")
    func coverage() {
        #expect(Self.names.contains { $0.hasSuffix("-demo-gzip") })
        #expect(Self.names.contains { $0.hasSuffix("-demo-zstd") })
        #expect(Self.names.contains { $0.hasSuffix("-demo-none") })
        #expect(Self.names.contains { $0.contains("-owned-") })
        #expect(Set(Self.names.map { $0.components(separatedBy: "-demo-").first ?? "" }).count >= 1)
    }

    @Test("verifies and restores to its listing", arguments: names)
    func restore(name: String) throws {
        let bundle = Self.folder.appendingPathComponent(name + ".bundle").path
        let verified = try ExternalTool.run(ProductsDirectory.bundle, ["verify", bundle, "--pubkey", Self.publicKey])
        #expect(verified.status == 0, "\(name): \(verified.output)\(verified.errors)")
        let dir = try TemporaryDirectory("golden")
        let root = dir.path("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let restored = try ExternalTool.run(
            ProductsDirectory.bundle, ["restore", bundle, "--pubkey", Self.publicKey, "--root", root.path] + Self.restoreArguments(name))
        #expect(restored.status == 0, "\(name): \(restored.output)\(restored.errors)")
        let expected = try String(contentsOf: Self.folder.appendingPathComponent(name + ".listing"), encoding: .utf8)
        #expect(try Self.listing(root.appendingPathComponent("opt")) == expected, "\(name)")
    }
}
