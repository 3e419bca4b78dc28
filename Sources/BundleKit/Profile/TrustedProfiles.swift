import Foundation

/// The profiles a machine trusts to run commands. A bundle carries its profile, and restore
/// takes the bundle's *data* from it (files, targets, rewrites, service names); but preflight
/// and post-check commands, imports and after-files steps are *code* that runs as root, and
/// the signature only says who made the bundle. So restore runs them only when the bundle's
/// profile text is byte-identical (SHA-256) to one of these: a shipped profile (`Formats/`,
/// where `ProfileLoader` finds ids, `BUNDLE_FORMATS` included) or one the administrator names
/// on the command line (`--profile FILE`).
public struct TrustedProfiles: Sendable, Equatable {
    /// One trusted profile text.
    public struct Source: Sendable, Equatable {
        /// Lowercase hex SHA-256 of its text (`Profile.sha256`).
        public var sha256: String
        /// Where it came from, for messages.
        public var path: String
    }

    /// Every trusted text, in the order added (the first match is reported).
    public private(set) var sources: [Source] = []

    /// Trusts nothing.
    public init() {}

    /// Trusts each of `profiles`, as loaded (a shipped id or a file).
    public init(_ profiles: [Profile]) {
        for profile in profiles { add(profile) }
    }

    /// Trusts `profile`'s text.
    public mutating func add(_ profile: Profile) {
        add(sha256: profile.sha256, path: profile.source)
    }

    /// Trusts the text whose SHA-256 is `sha256`, found at `path`.
    public mutating func add(sha256: String, path: String) {
        sources.append(Source(sha256: sha256, path: path))
    }

    /// The trusted profile whose text is `text`, byte for byte, if any. The digest is computed
    /// here from the text, never taken from a manifest's record of it.
    public func match(text: String) -> Source? {
        let digest = SHA256Stream.hex(Data(text.utf8))
        return sources.first { $0.sha256 == digest }
    }
}

extension ProfileLoader {
    /// Every profile file the loader would find an id in (each `*.yaml` in the formats
    /// directories, as `available()` lists them), trusted by its text's SHA-256, then
    /// `adding` (profiles named on the command line). A file is hashed, not parsed: one that is
    /// not UTF-8 or cannot be read is left out (it cannot be the text of a bundle's profile);
    /// a missing directory is skipped.
    public func trustedProfiles(adding profiles: [Profile] = []) -> TrustedProfiles {
        var trusted = TrustedProfiles()
        for directory in formatsDirectories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
                let url = directory.appendingPathComponent(name)
                // Read as `load` reads it, so the digest is the one capture recorded.
                guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else { continue }
                trusted.add(sha256: SHA256Stream.hex(Data(text.utf8)), path: url.path)
            }
        }
        for profile in profiles { trusted.add(profile) }
        return trusted
    }
}

extension Profile {
    /// Every command the profile has a restore run, unresolved, in the order they run:
    /// preflight `run` checks, imports, after-files steps, post-check `run` checks. These need
    /// the target's consent (`TrustedProfiles`); services, files and rewrites do not.
    public var restoreCommands: [String] {
        func words(_ spec: CommandSpec) -> String { spec.run.joined(separator: " ") + " (timeout \(spec.timeout) s)" }
        var commands: [String] = []
        for check in preflight { if case .run(let spec) = check { commands.append("preflight: run " + words(spec)) } }
        for item in items { if let spec = item.importCommand { commands.append("import (\(item.id)): " + words(spec)) } }
        for spec in steps.restoreAfterFiles { commands.append("after-files: " + words(spec)) }
        for check in postChecks {
            if case .run(let spec, let within) = check { commands.append("post-check: run \(spec.run.joined(separator: " ")) within \(within) s") }
        }
        return commands
    }
}
