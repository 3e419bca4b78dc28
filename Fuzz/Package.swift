// swift-tools-version: 6.0
// libFuzzer targets over bundle's parsers. Built only by scripts/fuzz, with
// -sanitize=fuzzer,address (libFuzzer supplies main), never by the main package's build.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is the clone's name: find it.
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let bundle = parent.lastPathComponent.lowercased()

let package = Package(
    name: "bundle-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "FuzzManifest", dependencies: [.product(name: "BundleKit", package: bundle)]),
        .executableTarget(name: "FuzzProfile", dependencies: [.product(name: "BundleKit", package: bundle)]),
        .executableTarget(name: "FuzzBundle", dependencies: [.product(name: "BundleKit", package: bundle)]),
    ],
    swiftLanguageModes: [.v6]
)
