import Foundation

/// Where the repository's `Fixtures/` and `Formats/` folders are, found from this file's path.
public enum FixturePaths {
    /// The repository root.
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `Fixtures/`: inputs only, each folder named after the condition it sets up.
    public static let fixtures = repository.appendingPathComponent("Fixtures", isDirectory: true)

    /// `Formats/`: the shipped profiles and format specs.
    public static let formats = repository.appendingPathComponent("Formats", isDirectory: true)

    /// A fixture by relative path.
    public static func fixture(_ relative: String) -> URL {
        fixtures.appendingPathComponent(relative)
    }
}
