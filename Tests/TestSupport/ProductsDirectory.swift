import Foundation

/// Where SwiftPM put the built products (the `bundle` executable) for this test run.
public enum ProductsDirectory {
    /// The folder holding the test binary, which also holds the executables.
    public static let url: URL = {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = binary.deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("bundle").path) { return folder }
            folder.deleteLastPathComponent()
        }
        return FixturePaths.repository.appendingPathComponent(".build/debug")
    }()

    /// The built `bundle` command.
    public static var bundle: String { url.appendingPathComponent("bundle").path }
}
