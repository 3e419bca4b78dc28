import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// One shipped profile driven end to end on Windows-shaped trees: capture from
/// `Fixtures/<product>-source` with `--os windows --root` (or `os`), verify, restore onto a private copy
/// of `Fixtures/<product>-target` (or any tree), with the fake tools standing in for the
/// vendor's programs and the service manager (all logging to one calls.log, in order).
final class SeedScenario: @unchecked Sendable {
    let profile: Profile
    let product: String
    let tools: FakeTools
    let work: TemporaryDirectory
    let target: TemporaryDirectory
    let key = MinisignSecretKey.generate()
    let identity = AgeIdentity.generate()
    /// `--var` values for both sides (the fake tools' paths, usually).
    var variables: [String: String] = [:]
    /// The OS both machines run (`--os`); Windows unless the product is Linux-only.
    var os: OSFamily = .windows

    /// A private copy of the source tree, for a product whose capture changes its source.
    private var sourceCopy: TemporaryDirectory?

    init(
        _ id: String, product: String? = nil, target fixture: String? = nil, secret: String = "DPAPI-BLOB secret-marker-3f9a1c",
        copySource: Bool = false
    ) throws {
        profile = try ProfileLoader(formatsDirectories: [FixturePaths.formats]).load(id)
        self.product = product ?? id
        tools = try FakeTools(secret: secret)
        work = try TemporaryDirectory("seed-\(id)")
        target = try TemporaryDirectory("seed-\(id)-target")
        let fixture = fixture ?? "\(self.product)-target"
        if FileManager.default.fileExists(atPath: FixturePaths.fixture(fixture).path) {
            try Self.copyTree(FixturePaths.fixture(fixture), into: target.url)
        }
        if copySource {
            sourceCopy = try TemporaryDirectory("seed-\(id)-source")
            try Self.copyTree(FixturePaths.fixture("\(self.product)-source"), into: sourceCopy!.url)
        }
    }

    /// The source tree, under `Fixtures/` (or its private copy).
    var sourceRoot: URL { sourceCopy?.url ?? FixturePaths.fixture("\(product)-source") }

    /// The fake service manager.
    var services: CommandServiceController { CommandServiceController(path: tools.path("service")) }

    /// `bundle create` on the source tree.
    func capture(root: URL? = nil, settings: [String: String] = [:], stopServices: Bool = false) throws -> CaptureResult {
        var options = CaptureOptions(profile: profile, output: work.path("\(profile.id)-\(UUID().uuidString.prefix(6)).bundle").path, signingKey: key)
        options.root = (root ?? sourceRoot).path
        options.os = os
        options.host = "old-server"
        options.overrides = variables
        options.lock = .recipients([identity.recipient])
        options.services = services
        options.settings = settings
        options.stopServices = stopServices
        return try Capturer(options: options).run()
    }

    /// `bundle restore` options onto `root` (the target copy unless given).
    func restoreOptions(_ bundle: String, root: URL? = nil, overrides: [String: String] = [:], settings: [String: String] = [:]) -> RestoreOptions {
        var options = RestoreOptions(bundle: bundle, publicKey: key.publicKey)
        options.root = (root ?? target.url).path
        options.os = os
        options.overrides = variables.merging(overrides) { $1 }
        options.unlock = .identities([identity])
        options.services = services
        options.settings = settings
        options.skipPostChecks = true
        // A shipped profile: trusted as the command line trusts Formats/.
        options.trustedProfiles = ProfileLoader(formatsDirectories: [FixturePaths.formats]).trustedProfiles()
        return options
    }

    /// Capture, verify (no problems), and restore; returns the report and the calls the restore made.
    func roundTrip(
        settings: [String: String] = [:], restoreRoot: URL? = nil, overrides: [String: String] = [:],
        restoreSettings: [String: String] = [:], adjust: (inout RestoreOptions) -> Void = { _ in }
    ) throws -> (capture: CaptureResult, report: RestoreReport, calls: [String]) {
        let captured = try capture(settings: settings)
        let verification = try Verifier(bundle: captured.output, publicKey: key.publicKey).run()
        #expect(verification.problems == [], "the bundle verifies")
        let before = tools.calls.count
        var options = restoreOptions(captured.output, root: restoreRoot, overrides: overrides, settings: restoreSettings)
        adjust(&options)
        let report = try Restorer(options: options).run()
        return (captured, report, Array(tools.calls.dropFirst(before)))
    }

    /// Bytes of a file under a tree.
    static func bytes(_ root: URL, _ relative: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(relative))
    }

    /// A file's permission bits.
    static func mode(_ root: URL, _ relative: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(relative).path)[.posixPermissions] as? Int) ?? -1
    }

    /// Copies every entry of `source` into the existing folder `destination`.
    static func copyTree(_ source: URL, into destination: URL, at relative: String = "") throws {
        let target = relative.isEmpty ? destination : destination.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
        }
    }

    /// Every regular file under `root`, relative, sorted.
    static func files(_ root: URL) -> [String] {
        let all = FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []
        return all.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }
}
