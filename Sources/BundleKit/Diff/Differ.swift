import BundleCrypto
import Foundation

/// Diff: a bundle's entries set against the live files they would restore to. Words: an entry
/// is *same* when its file exists with the recorded content (SHA-256) and mode; *missing* when
/// nothing is there; *changed* when content or mode differ; *not compared* when the bundle
/// holds it encrypted or it is an exported secret (its plaintext digest is not recorded).
/// Files the bundle does not list are not looked at.

/// What `bundle diff` needs to know.
public struct DiffOptions: Sendable {
    /// The bundle file.
    public var bundle: String
    /// Prefixed to every target path (`/` for the live system).
    public var root: String = "/"
    /// The OS whose variable defaults and path syntax apply.
    public var os: OSFamily = .current
    /// `--var NAME=VALUE` values (over the capture's own, on the same OS).
    public var overrides: [String: String] = [:]
    /// When given, the bundle's signed front must verify with this key before it is believed.
    public var publicKey: MinisignPublicKey?

    /// Options for `bundle`; the rest default.
    public init(bundle: String) {
        self.bundle = bundle
    }
}

/// One bundle entry compared with its live file.
public struct DiffEntry: Sendable, Equatable, Encodable {
    /// How the live file relates to the entry.
    public enum State: String, Sendable, Equatable, Encodable {
        /// Same content and mode.
        case same
        /// Nothing at the target path.
        case missing
        /// Content or mode differ (see `contentChanged`, `modeChanged`).
        case changed
        /// Something other than a regular file is at the target path.
        case notAFile = "not-a-file"
        /// Stored encrypted or exported: not compared.
        case notCompared = "not-compared"
    }

    /// The member in the bundle.
    public var member: String
    /// The live file's path (empty for an exported secret).
    public var path: String
    /// The comparison's result.
    public var state: State
    /// The content's SHA-256 differs from the bundle's.
    public var contentChanged = false
    /// The mode differs from the bundle's.
    public var modeChanged = false
    /// The mode recorded in the bundle.
    public var expectedMode: String
    /// The live file's mode, when there is one.
    public var actualMode: String?
}

/// What `bundle diff` found.
public struct DiffReport: Sendable, Encodable {
    /// The bundle file.
    public var bundle: String
    /// Every entry, in member order.
    public var entries: [DiffEntry]

    /// No entry missing or changed (entries not compared do not count).
    public var isIdentical: Bool {
        entries.allSatisfy { $0.state == .same || $0.state == .notCompared }
    }
}

/// Compares a bundle's entries with the live files.
public struct Differ: Sendable {
    /// The comparison to run.
    public let options: DiffOptions

    /// A diff of `options`.
    public init(options: DiffOptions) {
        self.options = options
    }

    /// Reads the bundle's front (verified when a key is given), resolves every target as
    /// restore would, and hashes each plain entry's live file.
    public func run() throws -> DiffReport {
        let manifest: Manifest
        if let key = options.publicKey {
            let report = try Verifier(bundle: options.bundle, publicKey: key).runHeader()
            guard report.isValid, let verified = report.manifest else {
                throw RestoreError.verificationFailed(bundle: options.bundle, problems: report.problems)
            }
            manifest = verified
        } else {
            manifest = try Inspector.inspect(options.bundle).manifest
        }
        let profile = try Profile(yaml: manifest.profile.text, source: "\(options.bundle):MANIFEST.json")
        let inherited = manifest.source.os == options.os ? manifest.overrides : [:]
        let variables = try VariableResolver(
            profile: profile, os: options.os, overrides: inherited.merging(options.overrides) { $1 }).resolve()
        let mapper = PathMapper(root: options.root, os: options.os)

        var entries: [DiffEntry] = []
        for entry in manifest.entries.sorted(by: { BundleLayout.precedes($0.member, $1.member) }) {
            let path = entry.target.isEmpty
                ? "" : try mapper.hostPath(for: try VariableResolver.expand(entry.target, with: variables, context: entry.member))
            var result = DiffEntry(member: entry.member, path: path, state: .same, expectedMode: entry.mode)
            defer { entries.append(result) }
            if entry.encrypted || entry.target.isEmpty {
                result.state = .notCompared
                continue
            }
            guard let status = try FileStatus.of(path) else {
                result.state = .missing
                continue
            }
            result.actualMode = ManifestEntry.octal(status.permissions)
            if let link = entry.link {
                // A kept link is the same when it is still a link with the same text.
                result.contentChanged = status.kind != .symlink || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != link
                if result.contentChanged { result.state = .changed }
                continue
            }
            guard status.kind == .regular else {
                result.state = .notAFile
                continue
            }
            result.modeChanged = entry.permissions.map { $0 & 0o7777 != status.permissions & 0o7777 } ?? false
            result.contentChanged = try status.size != entry.size || Capturer.digest(of: path) != entry.sha256
            if result.modeChanged || result.contentChanged { result.state = .changed }
        }
        return DiffReport(bundle: options.bundle, entries: entries)
    }
}
