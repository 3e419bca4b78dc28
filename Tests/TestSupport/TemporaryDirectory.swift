import Foundation

/// A folder made for one test and removed when the value goes away.
///
/// Set `BUNDLE_KEEP_TEST_TMP=1` to keep the folders for debugging; their paths are then
/// printed to standard error.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The folder's location.
    public let url: URL

    /// Makes a fresh, empty folder under the system's temporary directory.
    public init(_ label: String = "test") throws {
        let base = FileManager.default.temporaryDirectory
        url = base.appendingPathComponent("bundle-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        if ProcessInfo.processInfo.environment["BUNDLE_KEEP_TEST_TMP"] != nil {
            FileHandle.standardError.write(Data("kept \(url.path)\n".utf8))
        } else {
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// A location inside the folder (not created).
    public func path(_ relative: String) -> URL {
        url.appendingPathComponent(relative)
    }

    /// Writes `contents` at `relative`, making parent folders, and sets `mode` when given.
    @discardableResult
    public func write(_ relative: String, _ contents: String, mode: Int? = nil) throws -> URL {
        try write(relative, Data(contents.utf8), mode: mode)
    }

    /// Writes `contents` at `relative`, making parent folders, and sets `mode` when given.
    @discardableResult
    public func write(_ relative: String, _ contents: Data, mode: Int? = nil) throws -> URL {
        let target = path(relative)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: target)
        if let mode {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target.path)
        }
        return target
    }
}
