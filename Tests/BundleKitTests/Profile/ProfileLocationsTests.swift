import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Shipped profiles are found from the program's real location, installed or in a checkout.
@Suite("profile locations")
struct ProfileLocationsTests {
    @Test("installed: PREFIX/bin/bundle finds PREFIX/share/bundle/Formats, with no environment")
    func installed() throws {
        let prefix = try TemporaryDirectory("prefix")
        try prefix.write("usr/share/bundle/Formats/demo-app.yaml", try String(contentsOf: FixturePaths.formats.appendingPathComponent("demo-app.yaml"), encoding: .utf8))
        let locations = ProfileLocations(executable: prefix.path("usr/bin/bundle").path, environment: [:])
        #expect(locations.directories.first == prefix.path("usr/share/bundle/Formats").standardizedFileURL)
        #expect(try locations.loader.available().map(\.id) == ["demo-app"])
    }

    @Test("a checkout: .build/<triple>/<config>/bundle finds the package's Formats/; $BUNDLE_FORMATS comes first")
    func checkout() throws {
        let repository = try TemporaryDirectory("checkout")
        try repository.write("Formats/x.yaml", "id: x\nname: X\nitems:\n  - id: a\n    path: /a\n    role: config\n")
        let executable = repository.path(".build/x86_64-unknown-linux-gnu/debug/bundle").path
        let locations = ProfileLocations(executable: executable, environment: ["BUNDLE_FORMATS": "/custom"])
        #expect(locations.directories.first?.path == "/custom")
        #expect(locations.directories.contains(repository.path("Formats")))
        #expect(locations.directories.last?.path == "/usr/share/bundle/Formats")
    }

    @Test("no folder at all: listing is an error that names every place looked at")
    func nowhere() throws {
        let empty = try TemporaryDirectory("nowhere")
        let locations = ProfileLocations(executable: empty.path("bin/bundle").path, environment: [:])
        let existing = locations.directories.filter { FileManager.default.fileExists(atPath: $0.path) }
        try #require(existing.isEmpty, "this machine has \(existing) installed")
        #expect {
            try locations.loader.available()
        } throws: { error in
            guard case ProfileError.noProfileFolder(let searched) = error else { return false }
            return searched.contains(empty.path("share/bundle/Formats").standardizedFileURL.path)
                && searched.contains(empty.path("bin/Formats").path) && searched.contains("/usr/share/bundle/Formats")
                && error.localizedDescription.isEmpty == false && (error as? ProfileError)?.hint?.contains("BUNDLE_FORMATS") == true
        }
    }

    @Test("the executable's path is the kernel's answer, a real file")
    func executablePath() throws {
        let path = try #require(ProfileLocations.executablePath)
        #expect(path.hasPrefix("/"))
        #expect(URL(fileURLWithPath: path).resolvingSymlinksInPath().path == path)
        #expect(FileManager.default.isExecutableFile(atPath: path))
    }
}
