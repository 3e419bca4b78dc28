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
/// version 1 snapshot is a whole bundle, `snapshots/<id>.bundle`, and is still read. An *id* is
/// `YYYYMMDDTHHMMSSZ-xxxx` (UTC, four random hex digits): ids sort by time. `STORE/lock` is
/// `flock`ed: exclusively by create and prune, shared by verify, restore and export.
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

    /// `/var/lib/bundle/snapshots` on Linux and macOS, `C:\ProgramData\bundle\snapshots` on
    /// Windows: a folder of the machine `bundle` runs on, whatever `--root` the files live under.
    public static func defaultPath(os: OSFamily = .current) -> String {
        os == .windows ? "C:\\ProgramData\\bundle\\snapshots" : "/var/lib/bundle/snapshots"
    }

    /// `STORE/keys`.
    public var keysFolder: String { Host.join(path, "keys") }
    /// `STORE/snapshots`.
    public var snapshotsFolder: String { Host.join(path, "snapshots") }
    /// `STORE/objects`.
    public var objectsFolder: String { Host.join(path, "objects") }
    /// The store's public key file: anyone can verify an exported snapshot with it.
    public var publicKeyPath: String { Host.join(keysFolder, "store.pub") }
    /// The store's signing key (0600).
    public var secretKeyPath: String { Host.join(keysFolder, "store.key") }
    /// The store's age identity (0600), which opens the snapshots' secrets.
    public var identityPath: String { Host.join(keysFolder, "store.identity") }
    /// The store's age recipient.
    public var recipientPath: String { Host.join(keysFolder, "store.recipient") }

    /// `snapshots/<id>.bundle`: a version 1 snapshot.
    public func bundlePath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".bundle") }
    /// `snapshots/<id>.header`: a version 2 snapshot's signed header.
    public func headerPath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".header") }
    func recordPath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".json") }
    var objects: ObjectStore { ObjectStore(folder: objectsFolder) }

    // MARK: create

    /// Captures `options.profile` signed with the store's key and encrypted to its recipient
    /// (or the key and recipients `options` gives) into a hidden uncompressed bundle in the store, files its members as objects (new
    /// ones only), writes the header, lists it with its record (the commit point), then
    /// applies `options.keep`.
    public func create(_ options: SnapshotOptions, onEvent: EventHandler? = nil) throws -> SnapshotResult {
        let retention = try options.keep.map { try RetentionPolicy(keep: $0) }
        try LocalFileSystem.makeDirectories(path, permissions: 0o700)
        let lock = try self.lock(exclusive: true, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let signingKey = try options.signingKey ?? storeSigningKey()
        let recipients = options.recipients.isEmpty ? try storeRecipients() : options.recipients
        if let key = options.signingKey { try keepSigner(key.publicKey) }
        try LocalFileSystem.makeDirectories(snapshotsFolder, permissions: 0o700)
        try LocalFileSystem.makeDirectories(objectsFolder, permissions: 0o700)

        let existing = try LocalFileSystem.contents(of: snapshotsFolder)
            .filter { !$0.hasPrefix(".") }.map { String($0.prefix { $0 != "." }) }
        let id = try Self.makeID(options.created, after: existing)
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
            size: result.bundleBytes, sha256: try Capturer.digest(of: result.output), files: result.fileCount)
        record.version = 2
        record.signer = options.signingKey?.publicKey.keyIDHex
        record.recipients = options.recipients.isEmpty ? nil : options.recipients.map(\.text)
        do {
            try header.write(to: headerPath(id))
            try writeRecord(record)
        } catch {
            LocalFileSystem.remove(headerPath(id))
            throw error
        }
        let pruned = try retention.map { try prune($0, dryRun: false, now: options.created, locked: true) } ?? []
        return SnapshotResult(record: record, capture: result, pruned: pruned)
    }

    // MARK: list, find

    /// Every listed snapshot, oldest first. Headers or bundles without a record (a crash
    /// before the record) are not listed; prune removes them.
    public func list() throws -> [SnapshotRecord] {
        guard try FileStatus.of(snapshotsFolder) != nil else { return [] }
        let names = try LocalFileSystem.contents(of: snapshotsFolder).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        return try names.map { try readRecord(String($0.dropLast(5))) }.sorted { $0.id < $1.id }
    }

    /// The record of snapshot `id`.
    public func record(_ id: String) throws -> SnapshotRecord {
        guard Self.isValidID(id), try FileStatus.of(recordPath(id)) != nil else {
            throw SnapshotError.unknownSnapshot(id: id, store: path)
        }
        return try readRecord(id)
    }

    // MARK: verify, restore, diff, export

    /// Verifies snapshot `id` with the store's public key: assembles it (every missing or
    /// corrupted object is reported, naming the member), verifies the bundle and compares its
    /// digest with the record.
    public func verify(_ id: String, limits: VerifyLimits = .standard, onEvent: EventHandler? = nil) throws -> SnapshotCheck {
        let lock = try self.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        do {
            return try withBundle(record, strict: false, onEvent: onEvent) { bundle, problems in
                var report = try Verifier(bundle: bundle, publicKey: try publicKey(for: record), limits: limits, onEvent: onEvent).run()
                report.bundle = "snapshot \(id)"
                return SnapshotCheck(record: record, report: report, sha256: try Capturer.digest(of: bundle), objectProblems: problems)
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
        try withSnapshot(id, onEvent: onEvent) { record, bundle in
            let key = try publicKey(for: record)
            var options = RestoreOptions(bundle: bundle, publicKey: key)
            try configure(&options)
            options.bundle = bundle
            options.publicKey = key
            options.unlock = try options.unlock ?? storeUnlock(record)
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
        try withSnapshot(id, onEvent: onEvent) { record, bundle in
            var options = DiffOptions(bundle: bundle)
            try configure(&options)
            options.bundle = bundle
            options.publicKey = try publicKey(for: record)
            options.unlock = try options.unlock ?? storeUnlock(record)
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
        let lock = try self.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        if try FileStatus.of(destination) != nil { throw FileSystemError.alreadyExists(path: destination) }
        do {
            if record.version >= 2 {
                _ = try SnapshotHeader(path: headerPath(id))
                    .assemble(snapshot: id, objects: objects, to: destination, compression: compression, strict: true, onEvent: onEvent)
            } else {
                try copyBundle(bundlePath(id), to: destination)
            }
        } catch {
            throw BundleWriter.namingOutput(error, output: destination)
        }
        return (record, try Capturer.digest(of: destination))
    }

    /// Runs `body` under the shared lock on snapshot `id`'s record and its bundle, rebuilt
    /// strictly (the first missing or damaged object stops it).
    private func withSnapshot<T>(_ id: String, onEvent: EventHandler?, body: (SnapshotRecord, String) throws -> T) throws -> T {
        let lock = try self.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        return try withBundle(record, strict: true, onEvent: onEvent) { bundle, _ in try body(record, bundle) }
    }

    /// Runs `body` on the snapshot's bundle: a version 1 snapshot's own file, or a version 2
    /// one assembled uncompressed (0600) in a private folder that is removed afterwards, on
    /// errors and on SIGINT, SIGTERM and SIGHUP too. `body` also gets the object problems.
    private func withBundle<T>(
        _ record: SnapshotRecord, strict: Bool, onEvent: EventHandler?, body: (String, [ObjectProblem]) throws -> T
    ) throws -> T {
        guard record.version >= 2 else { return try body(bundlePath(record.id), []) }
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

    /// Removes the snapshots `policy` does not keep (oldest first; never the newest), then
    /// every object no remaining snapshot needs and anything a crash left behind (headers or
    /// bundles without a record, hidden temporary files). Returns what was (or, with
    /// `dryRun`, would be) removed; `dryRun` changes nothing at all.
    public func prune(_ policy: RetentionPolicy, dryRun: Bool = false, now: Date = Date(), onEvent: EventHandler? = nil) throws -> [SnapshotRecord] {
        guard try FileStatus.of(snapshotsFolder) != nil else { return [] }
        let lock = try self.lock(exclusive: true, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        return try prune(policy, dryRun: dryRun, now: now, locked: true)
    }

    private func prune(_ policy: RetentionPolicy, dryRun: Bool, now: Date, locked: Bool) throws -> [SnapshotRecord] {
        let records = try list()
        let doomed = policy.doomed(records, now: now)
        if dryRun { return doomed }
        for record in doomed {
            // The record first: a crash in between leaves an unlisted header, never a listed ghost.
            LocalFileSystem.remove(recordPath(record.id))
            try LocalFileSystem.syncDirectory(snapshotsFolder)
            LocalFileSystem.remove(headerPath(record.id))
            LocalFileSystem.remove(bundlePath(record.id))
        }
        let kept = records.filter { record in !doomed.contains { $0.id == record.id } }
        let listed = Set(kept.map(\.id))
        for name in try LocalFileSystem.contents(of: snapshotsFolder) {
            // Hidden names are this store's own temporary files and folders (records, headers,
            // captures, assembled bundles); under the exclusive lock nothing is writing them,
            // so a crash left them.
            if name.hasPrefix(".") {
                LocalFileSystem.removeTree(Host.join(snapshotsFolder, name))
                continue
            }
            for suffix in [".bundle", ".header"] where name.hasSuffix(suffix) && !listed.contains(String(name.dropLast(suffix.count))) {
                LocalFileSystem.remove(Host.join(snapshotsFolder, name))
            }
        }
        try LocalFileSystem.syncDirectory(snapshotsFolder)
        // Only after the records are gone: an object is removed once nothing listed needs it.
        var referenced = Set<String>()
        for record in kept where record.version >= 2 {
            referenced.formUnion(try SnapshotHeader(path: headerPath(record.id)).objectDigests)
        }
        _ = try objects.collectGarbage(keeping: referenced)
        return doomed
    }

    // MARK: keys, records, lock

    /// The store's public key.
    public func publicKey() throws -> MinisignPublicKey {
        guard try FileStatus.of(publicKeyPath) != nil else { throw SnapshotError.noStore(path: path) }
        return try KeyFiles.publicKey(publicKeyPath)
    }

    /// The public key that verifies snapshot `record`: the store's, or the one kept for the
    /// key it was made with (`keys/signers/<key id>.pub`).
    public func publicKey(for record: SnapshotRecord) throws -> MinisignPublicKey {
        guard let signer = record.signer else { return try publicKey() }
        let file = publicKeyPath(for: record)
        guard signer.allSatisfy(\.isHexDigit), try FileStatus.of(file) != nil else {
            throw SnapshotError.unknownSigner(id: record.id, path: file)
        }
        return try KeyFiles.publicKey(file)
    }

    /// The public key file that verifies snapshot `record`: `store.pub`, or the kept
    /// `keys/signers/<key id>.pub` of a `--sign-key` snapshot.
    public func publicKeyPath(for record: SnapshotRecord) -> String {
        record.signer.map(signerPath) ?? publicKeyPath
    }

    /// `keys/signers/<key id>.pub`.
    func signerPath(_ keyID: String) -> String { Host.join(Host.join(keysFolder, "signers"), keyID + ".pub") }

    /// The store's signing key, made on first use.
    private func storeSigningKey() throws -> MinisignSecretKey {
        try makeKeysFolder()
        if try FileStatus.of(secretKeyPath) == nil {
            _ = try KeyFiles.generate(prefix: Host.join(keysFolder, "store"))
            try LocalFileSystem.syncDirectory(keysFolder)
        }
        return try KeyFiles.secretKey(at: secretKeyPath)
    }

    /// The store's age recipient, its identity made on first use.
    private func storeRecipients() throws -> [AgeRecipient] {
        try makeKeysFolder()
        if try FileStatus.of(identityPath) == nil {
            _ = try AgeKeyFiles.generate(prefix: Host.join(keysFolder, "store"))
            try LocalFileSystem.syncDirectory(keysFolder)
        }
        return try AgeKeyFiles.recipients([recipientPath])
    }

    /// Keeps the public key of a `--sign-key` beside the store's, so its snapshots verify.
    private func keepSigner(_ key: MinisignPublicKey) throws {
        let file = signerPath(key.keyIDHex)
        guard try FileStatus.of(file) == nil else { return }
        try LocalFileSystem.makeDirectories(Host.join(keysFolder, "signers"), permissions: 0o755)
        let folder = (file as NSString).deletingLastPathComponent
        try LocalFileSystem.writeAtomically(file, temporary: Host.join(folder, "." + key.keyIDHex + ".pub.tmp"), permissions: 0o644) { descriptor, temporary in
            try Data(key.fileContents().utf8).withUnsafeBytes { try LocalFileSystem.writeAll(descriptor, $0, path: temporary) }
        }
    }

    /// What opens snapshot `record`'s secrets: the store's identity, or nothing when they were
    /// encrypted to other recipients (restore then asks for `--identity`, diff leaves the
    /// secrets uncompared).
    private func storeUnlock(_ record: SnapshotRecord) throws -> AgeUnlock? {
        guard record.recipients == nil else { return nil }
        return .identities(try AgeKeyFiles.identities([identityPath]))
    }

    private func makeKeysFolder() throws {
        try LocalFileSystem.makeDirectories(keysFolder, permissions: 0o700)
    }

    private func lock(exclusive: Bool, onEvent: EventHandler?) throws -> FileLock {
        guard try FileStatus.of(path) != nil else { throw SnapshotError.noStore(path: path) }
        let lockPath = Host.join(path, "lock")
        return try FileLock(path: lockPath, exclusive: exclusive, timeout: lockTimeout) {
            onEvent?(.warning("\(lockPath): another bundle snapshot command is using the store; waiting for it"))
        }
    }

    /// Temp file, fsync, rename, fsync the folder: the record appears whole or not at all.
    private func writeRecord(_ record: SnapshotRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(record) + Data("\n".utf8)
        let temporary = Host.join(snapshotsFolder, ".\(record.id).json.tmp")
        try LocalFileSystem.writeAtomically(recordPath(record.id), temporary: temporary, permissions: 0o644) { file, temporary in
            try data.withUnsafeBytes { try LocalFileSystem.writeAll(file, $0, path: temporary) }
        }
    }

    private func readRecord(_ id: String) throws -> SnapshotRecord {
        let file = recordPath(id)
        let record: SnapshotRecord
        do {
            record = try JSONDecoder().decode(SnapshotRecord.self, from: Data(KeyFiles.read(file).utf8))
        } catch let error as FileSystemError {
            throw error
        } catch {
            throw SnapshotError.badIndex(path: file, reason: "\(error)", cause: ErrorCause(error))
        }
        guard record.id == id else { throw SnapshotError.badIndex(path: file, reason: "it names '\(record.id)'") }
        return record
    }

    /// `YYYYMMDDTHHMMSSZ-xxxx` for `date`, with a random suffix above that of any id of the
    /// same second in `existing`, so ids made under the lock sort in creation order.
    static func makeID(_ date: Date, after existing: [String] = []) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let stamp = String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
        let taken = existing.filter { $0.hasPrefix(stamp + "-") }.compactMap { UInt32($0.dropFirst(stamp.count + 1), radix: 16) }
        let floor = (taken.max() ?? 0) + 1
        guard floor <= 0xffff else { throw FileSystemError.alreadyExists(path: "snapshots/\(stamp)-ffff") }
        // Leave room above: at most a sixteenth of what remains, so many in one second still fit.
        let ceiling = floor + max(0, (0xffff - floor) / 16)
        return stamp + "-" + String(format: "%04x", UInt32.random(in: floor...ceiling))
    }

    /// An id as made here: no path separators, nothing that could leave the folder.
    static func isValidID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}
