import Foundation

/// A private copy of the fake vendor tools in `Fixtures/fake-tools/`, which log every call to
/// `calls.log` beside themselves, so each test reads only its own calls.
public final class FakeTools: @unchecked Sendable {
    /// The folder holding the copies and their log.
    public let folder: TemporaryDirectory

    /// Copies the tools; `secret` becomes the machine-bound secret the fake SecretMgr exports.
    public init(secret: String = "DPAPI-BLOB secret-marker-3f9a1c") throws {
        folder = try TemporaryDirectory("tools")
        for name in try FileManager.default.contentsOfDirectory(atPath: FixturePaths.fixture("fake-tools").path) {
            try FileManager.default.copyItem(at: FixturePaths.fixture("fake-tools/\(name)"), to: folder.path(name))
        }
        try folder.write("Secret.dpapi", secret)
    }

    /// The path of a tool.
    public func path(_ name: String) -> String { folder.path(name).path }

    /// The calls logged so far, one per line.
    public var calls: [String] {
        ((try? String(contentsOf: folder.path("calls.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Makes the next calls of `behaviour` (`fail-export`, `fail-import`, `sleep-export`) happen.
    public func arrange(_ behaviour: String) throws {
        try folder.write(behaviour, "")
    }
}
