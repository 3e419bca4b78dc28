import Foundation

/// Where the shipped profiles (`Formats/*.yaml`) are looked for, found from the running
/// program's real location, never from how it was called: a `bundle` reached through `PATH`,
/// a symlink or a relative path finds the same folders.
///
/// In order: `$BUNDLE_FORMATS`; `../share/bundle/Formats` beside the executable's folder (the
/// install layout of `scripts/install` and the Debian package: `PREFIX/bin/bundle` and
/// `PREFIX/share/bundle/Formats`); the first `Formats/` in the executable's folder or one of
/// the three above it (a checkout's `.build/<triple>/<config>/bundle`); `/usr/share/bundle/Formats`.
public struct ProfileLocations: Sendable, Equatable {
    /// The folders to search, in order (some may not exist).
    public var directories: [URL]
    /// Every place looked at, in words, for the error when none of them exists.
    public var searched: [String]

    /// The locations for this process: its real executable and environment.
    public static var current: ProfileLocations {
        ProfileLocations(executable: executablePath, environment: ProcessInfo.processInfo.environment)
    }

    /// The locations for an executable at `executable` (a real path, symlinks resolved) with
    /// `environment`; nil `executable` leaves out the folders found from it.
    public init(executable: String?, environment: [String: String]) {
        directories = []
        searched = []
        if let custom = environment["BUNDLE_FORMATS"], !custom.isEmpty {
            directories.append(URL(fileURLWithPath: custom))
            searched.append("\(custom) ($BUNDLE_FORMATS)")
        }
        if let executable {
            let bin = URL(fileURLWithPath: executable).deletingLastPathComponent()
            let installed = bin.deletingLastPathComponent().appendingPathComponent("share/bundle/Formats").standardizedFileURL
            directories.append(installed)
            searched.append(installed.path)
            var folder = bin
            var checked: [String] = []
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("Formats")
                checked.append(candidate.path)
                if Self.isDirectory(candidate) {
                    directories.append(candidate)
                    break
                }
                if folder.path == "/" { break }
                folder.deleteLastPathComponent()
            }
            searched.append(contentsOf: checked)
        }
        let system = URL(fileURLWithPath: "/usr/share/bundle/Formats")
        if !directories.contains(system) {
            directories.append(system)
            searched.append(system.path)
        }
    }

    /// The running program's real path: `/proc/self/exe` on Linux (the kernel's answer,
    /// whatever `argv[0]` says), the loader's on macOS; nil when neither can be read.
    public static var executablePath: String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), !path.isEmpty { return path }
        #endif
        return Bundle.main.executableURL?.resolvingSymlinksInPath().path
    }

    /// A loader that searches these folders.
    public var loader: ProfileLoader {
        ProfileLoader(formatsDirectories: directories, searched: searched)
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
