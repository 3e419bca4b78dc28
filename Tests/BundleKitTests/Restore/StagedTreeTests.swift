import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Files going into a folder that does not exist yet are staged as that folder's tree and put
/// in place with one rename; when the folder appears between planning and writing, its files
/// go in one by one, and what is already there stays.
@Suite("staged trees")
struct StagedTreeTests {
    let tree: SourceTree
    let target: TemporaryDirectory

    /// A service that, as it stops, writes a file into a folder the restore found missing.
    struct WritesWhenStopped: ServiceController {
        let file: URL
        func state(of name: String) throws -> ServiceState { .running }
        func stop(_ name: String) throws {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("written by the service\n".utf8).write(to: file)
        }
        func start(_ name: String) throws {}
        func availabilityProblem() -> String? { nil }
    }

    init() throws {
        tree = try SourceTree()
        target = try TemporaryDirectory("trees-target")
    }

    /// The files under `opt/test` of `root` by relative path: mode, size, time and digest.
    private func files(_ root: URL) throws -> [String: TreeSnapshot.Node] {
        try TreeSnapshot(root.appendingPathComponent("opt/test")).nodes.filter { $0.value.kind == FileAttributeType.typeRegular.rawValue }
    }

    private func writeStep(_ report: RestoreReport) -> String {
        report.steps.first { $0.name == RestoreStep.writeFiles.rawValue }?.detail ?? ""
    }

    @Test("a folder missing on the target is staged whole and put in place with one rename: every file as captured")
    func moved() throws {
        let bundle = try tree.capture().output
        let report = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        #expect(report.plan.stagedTrees == [target.path("opt").path])
        let restored = try files(target.url)
        let source = try files(tree.root.url)
        #expect(restored.count == 8, "\(restored.keys.sorted())")
        for (path, node) in restored { #expect(source[path] == node, "\(path)") }
        #expect(writeStep(report).hasSuffix("; 8 of the files in 1 new folder(s) put in place whole"), "\(writeStep(report))")
        let state = Host.stateDirectory(root: target.url.path, os: .linux)
        #expect(try LocalFileSystem.contents(of: state).filter { $0.hasPrefix(".bundle-staging-") }.isEmpty, "staging removed")
    }

    @Test("the folder appears after planning (a service writes into it as it stops): files go in one by one, the service's file stays")
    func appearedSincePlanning() throws {
        let services = "services:\n  - AppService\n"
        var capture = tree.captureOptions("service.bundle")
        capture.profile = try Profile(yaml: SourceTree.profileText.replacingOccurrences(of: "items:\n", with: services + "items:\n"), source: "svc.yaml")
        let bundle = try Capturer(options: capture).run().output
        var options = tree.restoreOptions(bundle, root: target.url)
        let written = target.path("opt/test/Templates/cache/state.txt")
        options.services = WritesWhenStopped(file: written)
        let report = try Restorer(options: options).run()
        #expect(report.plan.stagedTrees == [target.path("opt").path], "planned as a tree")
        #expect(!writeStep(report).contains("whole"), "\(writeStep(report))")
        #expect(try String(contentsOf: written, encoding: .utf8) == "written by the service\n")
        let restored = try files(target.url).filter { $0.key != "Templates/cache/state.txt" }
        let source = try files(tree.root.url)
        #expect(restored.count == 8)
        for (path, node) in restored { #expect(source[path] == node, "\(path)") }
    }

    @Test("a tree is found by any folder above a path; paths outside every tree are staged flat")
    func layout() {
        let layout = StagingLayout(trees: ["/t/opt/app", "/t/srv"]) { position in
            ["/t/opt/app/data/a.txt", "/t/opt/other.txt", "/t/srv/x", nil][position]
        }
        #expect(layout.tree(containing: "/t/opt/app/data/a.txt")?.number == 0)
        #expect(layout.tree(containing: "/t/opt/app/data/a.txt")?.relative == "data/a.txt")
        #expect(layout.tree(containing: "/t/srv/x")?.number == 1)
        #expect(layout.tree(containing: "/t/opt/application/x") == nil, "a name that only begins like a tree's")
        #expect(layout.tree(containing: "/t/opt/app") == nil, "the tree's folder itself is not inside it")
        #expect(layout.treePath(ofEntry: 0) == "trees/0/data/a.txt")
        #expect(layout.treePath(ofEntry: 1) == nil)
        #expect(layout.treePath(ofEntry: 2) == "trees/1/x")
        #expect(layout.treePath(ofEntry: 3) == nil, "an import's input has no target")
        #expect(StagingLayout.flat.treePath(ofEntry: 0) == nil)
    }

    @Test("a tree never holds the state folder: it begins below the folders on the state folder's way")
    func besideState() {
        let state = "/t/var/lib/bundle"
        #expect(StagingLayout.tree(for: "/t/opt/app/a.txt", outermostMissing: "/t/opt", outside: state) == "/t/opt")
        #expect(StagingLayout.tree(for: "/t/var/lib/app/data/a.txt", outermostMissing: "/t/var", outside: state) == "/t/var/lib/app")
        #expect(StagingLayout.tree(for: "/t/var/lib/a.txt", outermostMissing: "/t/var", outside: state) == nil, "a file beside the state folder")
        #expect(StagingLayout.tree(for: "/t/var/lib/bundlex/a", outermostMissing: "/t/var", outside: state) == "/t/var/lib/bundlex")
    }

    @Test("the outermost missing folder above a path, once its parent is there")
    func outermostMissing() throws {
        let root = try TemporaryDirectory("outermost")
        _ = try root.write("opt/present.txt", "x\n")
        var probe = FileStatusProbe()
        #expect(try probe.outermostMissingFolder(above: root.path("opt/app/data/a.txt").path) == root.path("opt/app").path)
        #expect(try probe.outermostMissingFolder(above: root.path("opt/b.txt").path) == nil)
        #expect(try probe.outermostMissingFolder(above: root.path("srv/x").path) == root.path("srv").path)
    }
}
