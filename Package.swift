// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "bundle",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bundle", targets: ["bundle"]),
        .library(name: "BundleKit", targets: ["BundleKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libarchive, seen only by ArchiveIO.
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        // zlib, seen only by ArchiveIO: the parallel gzip compressor.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libzstd, seen only by ArchiveIO: the payload's zstd frames, compressed and
        // decompressed on every core with one context per worker.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // CRC-32 folded with carry-less multiplication (x86-64 PCLMULQDQ; none elsewhere): the
        // CRC-32s of every compressed and plain byte that verify takes, at several times zlib's speed.
        .target(name: "CFastCRC"),
        // The only Swift target that imports CArchive, CZlib, CZstd and CFastCRC: tar/pax streams, gzip/zstd.
        .target(name: "ArchiveIO", dependencies: ["CArchive", "CZlib", "CZstd", "CFastCRC"]),
        // BLAKE2b, minisign keys and signatures (and later age), on swift-crypto.
        .target(
            name: "BundleCrypto",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Profiles, manifest, capture, verify, restore. Never prints, never parses argv.
        .target(
            name: "BundleKit",
            dependencies: [
                "ArchiveIO", "BundleCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The command line: options and presentation only.
        .executableTarget(
            name: "bundle",
            dependencies: [
                "BundleKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["BundleKit", "BundleCrypto", "ArchiveIO", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "ArchiveIOTests", dependencies: ["ArchiveIO", "TestSupport"]),
        .testTarget(
            name: "BundleCryptoTests",
            dependencies: [
                "BundleCrypto", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "BundleKitTests", dependencies: ["BundleKit", "TestSupport"]),
        .testTarget(name: "BundleCLITests", dependencies: ["TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        // The command line's presentation in process (its `--json` documents), through `@testable import bundle`.
        .testTarget(name: "BundleCommandTests", dependencies: ["bundle", "BundleKit", "BundleCrypto", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
