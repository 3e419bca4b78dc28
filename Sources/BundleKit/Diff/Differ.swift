import BundleCrypto
import Foundation

/// Diff: a bundle's entries set against the live files they would restore to. Words: an entry
/// is *same* when its file exists with the recorded content (SHA-256) and mode; *missing* when
/// nothing is there; *changed* when content or mode differ; *not compared* when it is an
/// exported secret, or the bundle holds it encrypted and no identity was given (with one, the
/// member is decrypted in memory and its plaintext SHA-256 compared; nothing is written or
/// printed). A file is *added* when the bundle does not list it but an item's selector would
/// capture it now (`UnlistedFiles`: what an exact restore would remove).

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
    /// Opens the encrypted members so they are compared by plaintext digest; needs
    /// `publicKey` (the whole bundle is then verified while it is read).
    public var unlock: AgeUnlock?

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
        /// Exported, or stored encrypted and no identity was given: not compared.
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
    /// Whether the owner or group differ from the captured ones (by name, else by number).
    public var ownerChanged = false
    /// The captured `owner:group`, when the bundle records owners.
    public var expectedOwner: String?
    /// The owner and group on this machine now.
    public var actualOwner: String?
    /// The mode recorded in the bundle.
    public var expectedMode: String
    /// The live file's mode, when there is one.
    public var actualMode: String?
}

/// A live file the bundle does not list, under a folder one of its items captures.
public struct AddedFile: Sendable, Equatable, Encodable {
    /// The file's path.
    public var path: String
    /// The item whose selector would capture it.
    public var item: String
    /// Its mode.
    public var mode: String
}

/// What `bundle diff` found.
public struct DiffReport: Sendable, Encodable {
    /// The bundle file.
    public var bundle: String
    /// Every entry, in member order.
    public var entries: [DiffEntry]
    /// Files added since the capture, folder by folder.
    public var added: [AddedFile] = []

    /// No entry missing or changed and nothing added (entries not compared do not count).
    public var isIdentical: Bool {
        added.isEmpty && entries.allSatisfy { $0.state == .same || $0.state == .notCompared }
    }
}

/// Compares a bundle's entries with the live files.
public struct Differ: Sendable {
    /// The comparison to run.
    public let options: DiffOptions
    /// Progress (verifying the bundle, then `compare`: bytes of live files hashed) and warnings.
    let onEvent: EventHandler?

    /// A diff of `options`.
    public init(options: DiffOptions, onEvent: EventHandler? = nil) {
        self.options = options
        self.onEvent = onEvent
    }

    /// Reads the bundle's front (verified when a key is given; the whole bundle, decrypting
    /// its secrets in memory, when an identity is given too), resolves every target as restore
    /// would, hashes each live file, and looks for added ones.
    public func run() throws -> DiffReport {
        try TargetRoot.check(options.root, mustExist: true)
        let (manifest, plaintext) = try read()
        let targets = try TargetResolver(manifest: manifest, bundle: options.bundle, root: options.root, os: options.os, overrides: options.overrides)
        var entries: [DiffEntry] = []
        let keepers = Set(targets.profile.items.filter(\.keepSpecialBits).map(\.id))
        let totalBytes = manifest.entries.reduce(Int64(0)) { $0 + ($1.link == nil ? (plaintext[$1.member]?.size ?? $1.size) : 0) }
        var comparedBytes: Int64 = 0
        // In member order by position, each entry built when its turn comes (not a sorted copy of them all).
        for position in manifest.entries.indices.sorted(by: manifest.entries.memberPrecedes) {
            let entry = manifest.entries[position]
            let path = try targets.hostPath(entry)
            var result = DiffEntry(member: entry.member, path: path, state: .same, expectedMode: entry.mode)
            defer { entries.append(result) }
            let expected: (sha256: String, size: Int64)? = entry.encrypted ? plaintext[entry.member] : (entry.sha256, entry.size)
            guard let expected, !path.isEmpty else {
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
            // The mode restore would give (keys and secrets from Windows get 0600; setuid only where kept).
            let live = FilePermissions(mode: status.permissions)
            result.modeChanged = entry.permissions.map {
                FilePermissions(mode: $0) != live
                    && PermissionPolicy.file(entry, keepingSpecialBits: keepers.contains(entry.item), sourceOS: manifest.source.os) != live
            } ?? false
            if manifest.source.os != .windows, entry.uid != nil || entry.owner != nil {
                let owner = Accounts.resolve(name: entry.owner, id: entry.uid, lookup: Accounts.userID)
                let group = Accounts.resolve(name: entry.group, id: entry.gid, lookup: Accounts.groupID)
                result.expectedOwner = "\(entry.owner ?? entry.uid.map(String.init) ?? "?"):\(entry.group ?? entry.gid.map(String.init) ?? "?")"
                result.actualOwner = "\(Accounts.userName(status.owner) ?? String(status.owner)):\(Accounts.groupName(status.group) ?? String(status.group))"
                result.ownerChanged = (owner.map { $0 != status.owner } ?? false) || (group.map { $0 != status.group } ?? false)
            }
            result.contentChanged = try status.size != expected.size || FileDigest.sha256(of: path) != expected.sha256
            comparedBytes += expected.size
            onEvent?(.progress(phase: "compare", completed: comparedBytes, total: totalBytes, item: path))
            if result.modeChanged || result.contentChanged || result.ownerChanged { result.state = .changed }
        }
        let listed = Set(entries.map(\.path).filter { !$0.isEmpty })
        let unlisted = try targets.unlisted(listed: listed, stateDirectory: Host.stateDirectory(root: options.root, os: options.os))
        let added = try unlisted.files.map { file in
            AddedFile(path: file.path, item: file.item, mode: ManifestEntry.octal(try FileStatus.of(file.path)?.permissions ?? 0))
        }
        return DiffReport(bundle: options.bundle, entries: entries, added: added)
    }

    /// The manifest (verified with a key) and, with an identity, each encrypted member's
    /// plaintext digest and size.
    private func read() throws -> (Manifest, [String: (sha256: String, size: Int64)]) {
        guard let key = options.publicKey else {
            if options.unlock != nil { throw DiffError.identityNeedsKey(bundle: options.bundle) }
            return (try Inspector.inspect(options.bundle).manifest, [:])
        }
        let verifier = Verifier(bundle: options.bundle, publicKey: key, onEvent: onEvent)
        let sink = options.unlock.map(PlaintextDigestSink.init)
        let report = try sink.map { try verifier.run(sink: $0) } ?? verifier.runHeader()
        guard report.isValid, let manifest = report.manifest else {
            throw RestoreError.verificationFailed(bundle: options.bundle, problems: report.problems)
        }
        return (manifest, sink?.digests ?? [:])
    }
}
