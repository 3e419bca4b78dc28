import ArchiveIO
import BundleCrypto
import Foundation

/// Snapshot: captures kept locally before an upgrade, with retention. Words: the *store* is
/// one folder (`STORE`) holding `keys/` (the store's own signing key `store.key` + `store.pub`
/// and age identity `store.identity` + `store.recipient`, made on first use unless already
/// there), `objects/` and `snapshots/`. An *object* is one distinct payload member's bytes,
/// kept once under its SHA-256 (`objects/<2 hex>/<64 hex>`), so snapshots of a state that
/// barely changed share nearly everything. A *snapshot* is its signed *header*
/// (`snapshots/<id>.header`: the bundle's exact MANIFEST.json, SHA256SUMS and signature) plus
/// its *index record* `snapshots/<id>.json`, written last, so only complete snapshots are ever
/// listed; header and objects *assemble* into a normal self-contained signed bundle. A
/// version 1 snapshot is a whole bundle, `snapshots/<id>.bundle`, and is still read. A *restore
/// safeguard* (version 3) is what a restore replaced or removed, kept before it changed anything:
/// its index `snapshots/<id>.safeguard` names each original path with its object or link text
/// and metadata (`SafeguardWriter`, `SnapshotStore+Safeguard`). An *id* is
/// `YYYYMMDDTHHMMSSZ-xxxx` (UTC, four random hex digits): ids sort by time. `STORE/lock` is
/// `flock`ed: exclusively by create, prune and a restore's safeguard step, shared by verify,
/// restore, undo and export.
///
/// This type is the façade: `StoreLayout` names the files, `StoreKeys` keeps the keys,
/// `SnapshotIndex` the records, lock and retention.
public struct SnapshotStore: Sendable {
    /// The store's folder.
    public let path: String
    /// How long a command waits for another one's lock, in seconds (0: fail at once, nil: for ever).
    public var lockTimeout: Double?

    /// The store at `path` (nothing is created until a snapshot is).
    public init(path: String, lockTimeout: Double? = 60) {
        self.path = path
        self.lockTimeout = lockTimeout
    }

    /// Where its files live.
    var layout: StoreLayout { StoreLayout(path: path) }
    /// Its keys.
    var keys: StoreKeys { StoreKeys(layout: layout) }
    /// Its records, lock and retention.
    var index: SnapshotIndex { SnapshotIndex(layout: layout, lockTimeout: lockTimeout) }
    var objects: ObjectStore { layout.objects }

    /// `/var/lib/bundle/snapshots` on Linux and macOS, `C:\ProgramData\bundle\snapshots` on
    /// Windows: a folder of the machine `bundle` runs on, whatever `--root` the files live under.
    public static func defaultPath(os: OSFamily = .current) -> String { StoreLayout.defaultPath(os: os) }

    /// The store a restore under `root` keeps its safeguards in: `STATE/snapshots`
    /// (`/var/lib/bundle/snapshots` for `--root /`, the default store).
    public static func safeguardPath(root: String, os: OSFamily = .current) -> String {
        StoreLayout.safeguardStore(stateDirectory: Host.stateDirectory(root: root, os: os))
    }

    /// `STORE/keys`.
    public var keysFolder: String { layout.keysFolder }
    /// `STORE/snapshots`.
    public var snapshotsFolder: String { layout.snapshotsFolder }
    /// `STORE/objects`.
    public var objectsFolder: String { layout.objectsFolder }
    /// The store's public key file: anyone can verify an exported snapshot with it.
    public var publicKeyPath: String { layout.publicKeyPath }
    /// The store's signing key (0600).
    public var secretKeyPath: String { layout.secretKeyPath }
    /// The store's age identity (0600), which opens the snapshots' secrets.
    public var identityPath: String { layout.identityPath }
    /// The store's age recipient.
    public var recipientPath: String { layout.recipientPath }
    /// `snapshots/<id>.bundle`: a version 1 snapshot.
    public func bundlePath(_ id: String) -> String { layout.bundlePath(id) }
    /// `snapshots/<id>.header`: a version 2 snapshot's signed header.
    public func headerPath(_ id: String) -> String { layout.headerPath(id) }
    /// `snapshots/<id>.safeguard`: a restore safeguard's index of original paths.
    public func safeguardIndexPath(_ id: String) -> String { layout.safeguardPath(id) }
    /// `keys/signers/<key id>.pub`.
    func signerPath(_ keyID: String) -> String { layout.signerPath(keyID) }
    static func makeID(_ date: Date, after existing: [String] = []) throws -> String { try StoreLayout.makeID(date, after: existing) }
    static func isValidID(_ id: String) -> Bool { StoreLayout.isValidID(id) }

    /// The store's public key.
    public func publicKey() throws -> MinisignPublicKey { try keys.publicKey() }
    /// The public key that verifies snapshot `record` (the store's, or the kept signer's).
    public func publicKey(for record: SnapshotRecord) throws -> MinisignPublicKey { try keys.publicKey(for: record) }
    /// The public key file that verifies snapshot `record`.
    public func publicKeyPath(for record: SnapshotRecord) -> String { keys.publicKeyPath(for: record) }

    /// Every listed snapshot (captures and restore safeguards), oldest first.
    public func list() throws -> [SnapshotRecord] { try index.list() }
    /// The record of snapshot `id`.
    public func record(_ id: String) throws -> SnapshotRecord { try index.record(id) }

    // MARK: create

    /// Captures `options.profile` signed with the store's key and encrypted to its recipient
    /// (or the key and recipients `options` gives) into a hidden uncompressed bundle in the store, files its members as objects (new
    /// ones only), writes the header, lists it with its record (the commit point), then
    /// applies `options.keep`.
    public func create(_ options: SnapshotOptions, onEvent: EventHandler? = nil) throws -> SnapshotResult {
        let retention = try options.keep.map { try RetentionPolicy(keep: $0) }
        try LocalFileSystem.makeDirectories(path, permissions: 0o700)
        let lock = try index.lock(exclusive: true, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let signingKey = try options.signingKey ?? keys.signingKey()
        let recipients = options.recipients.isEmpty ? try keys.recipients() : options.recipients
        if let key = options.signingKey { try keys.keepSigner(key.publicKey) }
        try LocalFileSystem.makeDirectories(snapshotsFolder, permissions: 0o700)
        try LocalFileSystem.makeDirectories(objectsFolder, permissions: 0o700)

        let id = try StoreLayout.makeID(options.created, after: try index.existingIDs())
        let scratch = try ScratchFolder(in: snapshotsFolder, label: "capture")
        defer { scratch.remove() }
        var capture = CaptureOptions(profile: options.profile, output: Host.join(scratch.path, id + ".bundle"), signingKey: signingKey)
        capture.root = options.root
        capture.os = options.os
        capture.overrides = options.overrides
        capture.settings = options.settings
        capture.created = options.created
        capture.host = options.host
        capture.compression = .none
        capture.lock = .recipients(recipients)
        capture.stopServices = options.stopServices
        capture.services = options.services
        let result = try Capturer(options: capture, onEvent: onEvent).run()

        let header = try SnapshotHeader.ingest(bundle: result.output, snapshot: id, into: objects)
        var record = SnapshotRecord(
            id: id, created: result.outline.created, profile: result.outline.profile.id, label: options.label,
            size: result.bundleBytes, sha256: try FileDigest.sha256(of: result.output), files: result.fileCount)
        record.version = 2
        record.signer = options.signingKey?.publicKey.keyIDHex
        record.recipients = options.recipients.isEmpty ? nil : options.recipients.map(\.text)
        do {
            try header.write(to: headerPath(id))
            try index.write(record)
        } catch {
            LocalFileSystem.remove(headerPath(id))
            throw error
        }
        let pruned = try retention.map { try index.prune($0, kind: .capture, dryRun: false, now: options.created) } ?? []
        return SnapshotResult(record: record, capture: result, pruned: pruned)
    }

    // MARK: verify, restore, diff, export

    /// Verifies snapshot `id` with the store's public key: assembles it (every missing or
    /// corrupted object is reported, naming the member), verifies the bundle and compares its
    /// digest with the record.
    public func verify(_ id: String, limits: VerifyLimits = .standard, onEvent: EventHandler? = nil) throws -> SnapshotCheck {
        let lock = try index.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        if record.kind == .safeguard { return verifySafeguard(record) }
        do {
            return try withBundle(record, strict: false, onEvent: onEvent) { bundle, problems in
                var report = try Verifier(bundle: bundle, publicKey: try keys.publicKey(for: record), limits: limits, onEvent: onEvent).run()
                report.bundle = "snapshot \(id)"
                return SnapshotCheck(record: record, report: report, sha256: try FileDigest.sha256(of: bundle), objectProblems: problems)
            }
        } catch let error as SnapshotError {
            // A header that is gone or unreadable is this snapshot's problem, not the command's:
            // `verify --all` goes on with the others.
            guard case .badHeader = error else { throw error }
            var report = VerifyReport(bundle: "snapshot \(id)")
            report.problems = [.unreadable(reason: error.description)]
            return SnapshotCheck(record: record, report: report, sha256: "", objectProblems: [])
        }
    }

    /// Restores snapshot `id` with the store's key and identity, exactly (`RestoreOptions.exact`:
    /// files added since are moved into the safeguard), running its profile's commands without
    /// asking (`CommandConsent.trustedSource`: the store is local, its profile this machine's own); `configure` sets the rest (root, dry
    /// run, services, an identity for a snapshot made with `--recipient`) on options whose
    /// bundle, key and exactness the store fills in.
    /// A version 2 snapshot is assembled first into a private folder in the store, removed
    /// afterwards whatever happens.
    public func restore(
        _ id: String, configure: (inout RestoreOptions) throws -> Void = { _ in }, onEvent: EventHandler? = nil
    ) throws -> RestoreReport {
        try withSnapshot(id, operation: "restored as a bundle (use SnapshotStore.undo)", onEvent: onEvent) { record, bundle in
            let key = try keys.publicKey(for: record)
            var options = RestoreOptions(bundle: bundle, publicKey: key)
            try configure(&options)
            options.bundle = bundle
            options.publicKey = key
            options.unlock = try options.unlock ?? keys.unlock(for: record)
            options.exact = true
            options.source = "snapshot \(id) in \(path)"
            // The snapshot's profile is the one this machine's own `snapshot create` was given
            // (and whose capture commands it already ran), kept in a store that is local and
            // writable only by whoever runs bundle: its commands are trusted as they stand.
            options.commandConsent = .trustedSource("snapshot \(id) from the local store \(path)")
            // Reports and errors name the snapshot, not the private file assembled for it.
            do {
                var report = try Restorer(options: options, onEvent: onEvent).run()
                report.verification.bundle = "snapshot \(id)"
                return report
            } catch RestoreError.verificationFailed(_, let problems) {
                throw RestoreError.verificationFailed(bundle: "snapshot \(id)", problems: problems)
            }
        }
    }

    /// Compares snapshot `id` with the live files (`Differ`), verified with the store's key and
    /// its secrets compared with the store's identity (unless `configure` gives one); `configure`
    /// sets root, OS and `--var`s.
    public func diff(_ id: String, configure: (inout DiffOptions) throws -> Void = { _ in }, onEvent: EventHandler? = nil) throws -> DiffReport {
        try withSnapshot(id, operation: "compared", onEvent: onEvent) { record, bundle in
            var options = DiffOptions(bundle: bundle)
            try configure(&options)
            options.bundle = bundle
            options.publicKey = try keys.publicKey(for: record)
            options.unlock = try options.unlock ?? keys.unlock(for: record)
            return try Differ(options: options, onEvent: onEvent).run()
        }
    }

    /// Writes snapshot `id` to `destination` (which must not exist) as a normal bundle that
    /// verifies with `store.pub`: assembled with `compression` (a version 1 snapshot is copied
    /// as it is), under a temporary name, synced and renamed. A missing or corrupted object
    /// stops it, naming the member, and leaves nothing. Returns the record and the SHA-256 of
    /// the file written.
    @discardableResult
    public func export(
        _ id: String, to destination: String, compression: Compression = .gzip, onEvent: EventHandler? = nil
    ) throws -> (record: SnapshotRecord, sha256: String) {
        let lock = try index.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        if record.kind == .safeguard { throw SafeguardError.notABundle(id: id, operation: "exported") }
        if try FileStatus.of(destination) != nil { throw FileSystemError.alreadyExists(path: destination) }
        do {
            if record.version == 2 {
                _ = try SnapshotHeader(path: headerPath(id))
                    .assemble(snapshot: id, objects: objects, to: destination, compression: compression, strict: true, onEvent: onEvent)
            } else {
                try copyBundle(bundlePath(id), to: destination)
            }
        } catch {
            throw BundleWriter.namingOutput(error, output: destination)
        }
        return (record, try FileDigest.sha256(of: destination))
    }

    /// Runs `body` under the shared lock on snapshot `id`'s record and its bundle, rebuilt
    /// strictly (the first missing or damaged object stops it).
    private func withSnapshot<T>(
        _ id: String, operation: String, onEvent: EventHandler?, body: (SnapshotRecord, String) throws -> T
    ) throws -> T {
        let lock = try index.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        if record.kind == .safeguard { throw SafeguardError.notABundle(id: id, operation: operation) }
        return try withBundle(record, strict: true, onEvent: onEvent) { bundle, _ in try body(record, bundle) }
    }

    /// Runs `body` on the snapshot's bundle: a version 1 snapshot's own file, or a version 2
    /// one assembled uncompressed (0600) in a private folder that is removed afterwards, on
    /// errors and on SIGINT, SIGTERM and SIGHUP too. `body` also gets the object problems.
    private func withBundle<T>(
        _ record: SnapshotRecord, strict: Bool, onEvent: EventHandler?, body: (String, [ObjectProblem]) throws -> T
    ) throws -> T {
        guard record.version == 2 else { return try body(bundlePath(record.id), []) }
        let header = try SnapshotHeader(path: headerPath(record.id))
        let scratch = try ScratchFolder(in: snapshotsFolder, label: "assemble")
        defer { scratch.remove() }
        let bundle = Host.join(scratch.path, record.id + ".bundle")
        let problems = try header.assemble(
            snapshot: record.id, objects: objects, to: bundle, compression: .none, strict: strict, onEvent: onEvent)
        return try body(bundle, problems)
    }

    private func copyBundle(_ source: String, to destination: String) throws {
        let input = try LocalFileSystem.openForReading(source)
        defer { try? input.close() }
        let output = try LocalFileSystem.createExclusive(destination, permissions: 0o600)
        do {
            defer { try? output.close() }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate() }
            try LocalFileSystem.append(from: input, path: source, to: output, destinationPath: destination, buffer: buffer)
            try LocalFileSystem.sync(output, path: destination)
        } catch {
            LocalFileSystem.remove(destination)
            throw error
        }
    }

    // MARK: prune

    /// Removes the snapshots `policy` does not keep, applied to captures and to restore
    /// safeguards separately (each keeps its newest; `kind` limits it to one), never the
    /// safeguard an unfinished restore needs; then every object no remaining snapshot needs and
    /// anything a crash left behind. Returns what was (or, with `dryRun`, would be) removed;
    /// `dryRun` changes nothing at all.
    public func prune(
        _ policy: RetentionPolicy, kind: SnapshotRecord.Kind? = nil, dryRun: Bool = false, now: Date = Date(), onEvent: EventHandler? = nil
    ) throws -> [SnapshotRecord] {
        guard try FileStatus.of(snapshotsFolder) != nil else { return [] }
        let lock = try index.lock(exclusive: true, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        return try index.prune(policy, kind: kind, dryRun: dryRun, now: now)
    }
}
