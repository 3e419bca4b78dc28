import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The restore order, proved by the fake tools' shared call log, and rollback after every
/// kind of failure, proved by the target tree and the services being as they were.
@Suite("ordered restore and rollback")
struct OrderedRestoreTests {
    let tools: FakeTools
    let work: TemporaryDirectory
    let target: TemporaryDirectory
    let key = MinisignSecretKey.generate()
    let identity = AgeIdentity.generate()

    init() throws {
        tools = try FakeTools()
        work = try TemporaryDirectory("ordered")
        target = try TemporaryDirectory("ordered-target")
        try FileManager.default.removeItem(at: target.url)
        try FileManager.default.copyItem(at: FixturePaths.fixture("ordered-app-target"), to: target.url)
    }

    private var variables: [String: String] {
        ["Tool": tools.path("step"), "SecretMgr": tools.path("SecretMgr")]
    }

    private func capture(stopServices: Bool = false, settings: [String: String] = [:]) throws -> CaptureResult {
        let profile = try ProfileLoader(formatsDirectories: []).load(FixturePaths.fixture("profiles/ordered-app.yaml").path)
        var options = CaptureOptions(profile: profile, output: work.path("app-\(UUID().uuidString.prefix(4)).bundle").path, signingKey: key)
        options.root = FixturePaths.fixture("ordered-app-source").path
        options.os = .linux
        options.overrides = variables
        options.lock = .recipients([identity.recipient])
        options.stopServices = stopServices
        options.services = CommandServiceController(path: tools.path("service"))
        options.settings = settings
        return try Capturer(options: options).run()
    }

    private func restoreOptions(_ bundle: String) -> RestoreOptions {
        var options = RestoreOptions(bundle: bundle, publicKey: key.publicKey)
        options.root = target.url.path
        options.os = .linux
        options.overrides = variables
        options.unlock = .identities([identity])
        options.services = CommandServiceController(path: tools.path("service"))
        options.settings = ["ManagerAddress": "new-manager:3741", "StorePath": "/srv/store"]
        // Its steps and checks are commands: trusted as with `restore --profile Fixtures/profiles/ordered-app.yaml`.
        options.trustedProfiles = TrustedProfiles([try! ProfileLoader(formatsDirectories: []).load(FixturePaths.fixture("profiles/ordered-app.yaml").path)])
        return options
    }

    private func servicesRunning() throws -> Bool {
        let controller = CommandServiceController(path: tools.path("service"))
        return try controller.state(of: "AppService") == .running && controller.state(of: "AppWorker") == .running
    }

    @Test("restore runs preflight, stop, files, import, rewrites, after-files, start, post-checks in that order")
    func order() throws {
        let bundle = try capture().output
        let before = tools.calls.count
        let report = try Restorer(options: restoreOptions(bundle)).run()
        #expect(Array(tools.calls.dropFirst(before)) == [
            "step preflight",
            "service stop AppService",
            "service stop AppWorker",
            "SecretMgr -i mode=600",
            "step after-files \(target.url.path)",
            "service start AppWorker",
            "service start AppService",
            "step post-check",
        ])
        #expect(report.steps.map(\.name) == [
            "preflight", "stop-services", "safeguard", "write-files", "imports", "rewrites", "after-files", "start-services", "post-checks",
        ])
        // Rewrites changed only the values; the restored config got the new manager address.
        let config = try Data(contentsOf: target.path("opt/app/app.config"))
        let source = try Data(contentsOf: FixturePaths.fixture("ordered-app-source/opt/app/app.config"))
        #expect(config == Data(String(decoding: source, as: UTF8.self).replacingOccurrences(of: "value=\"old-manager:3741\"", with: "value=\"new-manager:3741\"").utf8))
        #expect(try String(contentsOf: target.path("opt/app/settings.json"), encoding: .utf8)
            == "{\r\n  \"Store\": {\r\n    \"Path\": \"/srv/store\",\r\n    \"Keep\": 5\r\n  },\r\n  \"Comment\": \"kept as is\"\r\n}\r\n")
        #expect(report.rewrites.map(\.oldValue) == ["old-manager:3741", "C:\\old\\store"])
        let skipped = report.plan.rewrites.filter { $0.value == nil }
        #expect(skipped.map(\.hostPath) == [target.path("opt/app/agent.ini").path])
        #expect(skipped.first?.skipReason == "no value for ServerUrl: pass --set ServerUrl=VALUE")
        #expect(try String(contentsOf: target.path("opt/app/agent.ini"), encoding: .utf8).contains("https://old.example.org"))
        // The replaced config is kept in the safeguard; the journal is gone.
        let safeguard = try #require(report.safeguard)
        #expect(try FileManager.default.contentsOfDirectory(atPath: safeguard).sorted() == ["000001", "000002", "index.json"], "app.config replaced, settings.json rewritten")
        let index = try String(contentsOfFile: safeguard + "/index.json", encoding: .utf8)
        #expect(index.contains(#""path":"\#(target.path("opt/app/app.config").path)","saved":"\#(safeguard)/000001""#), "\(index)")
        #expect(!FileManager.default.fileExists(atPath: target.path("var/lib/bundle/restore-journal.json").path))
        #expect(try servicesRunning())
    }

    @Test("capture runs before, stops services, exports, then always starts services and runs after")
    func captureOrder() throws {
        _ = try capture(stopServices: true)
        #expect(tools.calls == [
            "step capture-before",
            "service stop AppService",
            "service stop AppWorker",
            "SecretMgr -e mode=600",
            "service start AppWorker",
            "service start AppService",
            "step capture-after",
        ])
    }

    @Test("a capture that fails still starts the services again and runs the after steps")
    func captureFailureCleansUp() throws {
        try tools.arrange("fail-export")
        #expect(throws: CommandError.self) { try capture(stopServices: true) }
        #expect(Array(tools.calls.suffix(3)) == ["service start AppWorker", "service start AppService", "step capture-after"])
        #expect(try servicesRunning())
    }

    @Test("--set values given at capture are recorded and applied at restore unless overridden")
    func settingsTravel() throws {
        let bundle = try capture(settings: ["ServerUrl": "https://new.example.org", "ManagerAddress": "from-capture:1"])
        var options = restoreOptions(bundle.output)
        options.settings = ["StorePath": "/srv/store", "ManagerAddress": "from-restore:2"]
        let report = try Restorer(options: options).run()
        #expect(report.rewrites.map(\.newValue) == ["from-restore:2", "/srv/store", "https://new.example.org"])
        #expect(try String(contentsOf: target.path("opt/app/agent.ini"), encoding: .utf8)
            == "; agent settings\n[server]\nurl = https://new.example.org ; the manager\nport=3741\n")
    }

    /// A failure at each step after the first change leaves the tree byte-identical and the services running.
    /// (A rewrite that cannot be applied no longer gets this far: preflight refuses it, below.)
    @Test("rollback after a failing step", arguments: ["import", "after-files", "service-start", "post-check"])
    func rollback(failure: String) throws {
        let bundle = try capture().output
        var options = restoreOptions(bundle)
        var failedStep = ""
        switch failure {
        case "import":
            try tools.arrange("fail-import")
            failedStep = "imports"
        case "after-files":
            try tools.arrange("fail-step-after-files")
            failedStep = "after-files"
        case "service-start":
            try tools.arrange("fail-start-AppService")
            failedStep = "start-services"
        default:
            try tools.arrange("fail-step-post-check")
            options.postCheckTimeout = 1
            failedStep = "post-checks"
        }
        let before = try TreeSnapshot(target.url)
        #expect {
            try Restorer(options: options).run()
        } throws: { error in
            guard case RestoreError.stepFailed(let step, _, let problems) = error else { return false }
            return step == failedStep && problems.isEmpty
        }
        let after = try TreeSnapshot(target.url)
        #expect(after == before, "\(failure): the tree is as it was\n\(after.difference(from: before))")
        if failure != "service-start" { #expect(try servicesRunning()) }
        #expect(tools.calls.contains("service start AppService"), "services were started again")
    }

    @Test("a failing preflight changes nothing and stops no service")
    func preflight() throws {
        let bundle = try capture().output
        try tools.arrange("fail-step-preflight")
        let before = try TreeSnapshot(target.url)
        #expect {
            try Restorer(options: restoreOptions(bundle)).run()
        } throws: { error in
            guard case RestoreError.checkFailed("preflight", let check, _, _) = error else { return false }
            return check == "run \(tools.path("step")) preflight"
        }
        #expect(try TreeSnapshot(target.url) == before)
        #expect(!tools.calls.contains { $0.hasPrefix("service") })
    }

    /// What the real run and the dry run say when `arrange` breaks something preflight must catch.
    private func refusals(_ options: RestoreOptions) throws -> (real: String, dry: String) {
        let before = try TreeSnapshot(target.url)
        let calls = tools.calls.count
        var dry = options
        dry.dryRun = true
        var messages: [String] = []
        for run in [dry, options] {
            do {
                _ = try Restorer(options: run).run()
                Issue.record("\(run.dryRun ? "dry run" : "restore") succeeded")
            } catch let error as RestoreError {
                switch error {
                case .notReady, .rewriteNotApplicable: messages.append(error.description)
                default: Issue.record("not refused in preflight: \(error)")
                }
            }
        }
        #expect(try TreeSnapshot(target.url) == before, "nothing changed")
        #expect(Array(tools.calls.dropFirst(calls)) == [], "no service stopped, no command ran")
        guard messages.count == 2 else { return ("", "") }
        return (messages[1], messages[0])
    }

    @Test("a rewrite whose key is missing is refused in preflight, before any service stops; the dry run says the same")
    func rewriteKeyMissing() throws {
        let bundle = try capture().output
        try target.write("opt/app/settings.json", "{\"Other\": 1}\n")
        let (real, dry) = try refusals(restoreOptions(bundle))
        #expect(real == dry)
        #expect(real.contains("JSON pointer '/Store/Path' not found"), "\(real)")
        #expect(real.contains(target.path("opt/app/settings.json").path))
        #expect(real.contains("no service was stopped"))
    }

    @Test("a rewritten file that the bundle lays down is checked in the bundle's copy")
    func rewriteKeyMissingInBundle() throws {
        // The bundle's app.config has managerAddress; the target's copy (replaced) does not matter.
        let bundle = try capture().output
        try target.write("opt/app/app.config", "<configuration/>\n")
        var options = restoreOptions(bundle)
        options.dryRun = true
        _ = try Restorer(options: options).run()
        // A bundle without the key is refused, naming it, as the issue's administrator saw.
        let source = try TemporaryDirectory("ordered-source")
        try FileManager.default.removeItem(at: source.url)
        try FileManager.default.copyItem(at: FixturePaths.fixture("ordered-app-source"), to: source.url)
        try source.write("opt/app/app.config", "<configuration><appSettings><add key=\"other\" value=\"1\"/></appSettings></configuration>\n")
        let profile = try ProfileLoader(formatsDirectories: []).load(FixturePaths.fixture("profiles/ordered-app.yaml").path)
        var capture = CaptureOptions(profile: profile, output: work.path("nokey.bundle").path, signingKey: key)
        capture.root = source.url.path
        capture.os = .linux
        capture.overrides = variables
        capture.lock = .recipients([identity.recipient])
        let noKey = try Capturer(options: capture).run().output
        let (real, dry) = try refusals(restoreOptions(noKey))
        #expect(real == dry)
        #expect(real.contains("appSettings key 'managerAddress' not found"), "\(real)")
    }

    @Test("a rewrite whose file is missing is refused in preflight")
    func rewriteFileMissing() throws {
        let bundle = try capture().output
        try FileManager.default.removeItem(at: target.path("opt/app/settings.json"))
        let (real, dry) = try refusals(restoreOptions(bundle))
        #expect(real == dry)
        #expect(real.contains("\(target.path("opt/app/settings.json").path) does not exist"), "\(real)")
    }

    @Test("a service manager that cannot be called is refused in preflight")
    func serviceManagerMissing() throws {
        let bundle = try capture().output
        var options = restoreOptions(bundle)
        options.services = CommandServiceController(path: work.path("no-such-service-tool").path)
        let (real, dry) = try refusals(options)
        #expect(real == dry)
        #expect(real.contains("cannot stop and start AppService, AppWorker: the --service-command \(work.path("no-such-service-tool").path) does not exist"), "\(real)")
    }

    @Test("--dry-run lists every step in order and changes nothing")
    func dryRun() throws {
        let bundle = try capture().output
        var options = restoreOptions(bundle)
        options.dryRun = true
        let before = try TreeSnapshot(target.url)
        let calls = tools.calls
        let report = try Restorer(options: options).run()
        #expect(try TreeSnapshot(target.url) == before)
        #expect(tools.calls == calls, "no command ran")
        #expect(report.plan.steps.map(\.title) == [
            "verify the bundle (signature, checksums, sizes) into a staging folder",
            "preflight checks",
            "stop services",
            "safeguard: keep a copy of every file that will be replaced or rewritten",
            "folders: make 1 missing, give all 1 their captured mode, owner and time after the files",
            "write 3 file(s), each renamed into place, all synced before the next step",
            "import 1 exported secret(s) with the product's tool, from a 0600 decrypted file removed afterwards",
            "rewrite config values",
            "run after-files steps",
            "start services",
            "post-checks",
            "print the checklist",
        ])
        #expect(report.plan.steps[7].details.contains("\(target.path("opt/app/agent.ini").path): \(RewriteTarget.ini(section: "server", key: "url")) skipped (no value for ServerUrl: pass --set ServerUrl=VALUE)"))
    }
}
