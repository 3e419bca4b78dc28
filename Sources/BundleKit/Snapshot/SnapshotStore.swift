import BundleCrypto
import Foundation

/// Snapshot: captures kept locally before an upgrade, with retention. Words: the *store* is
/// one folder (`STORE`) holding `keys/` (the store's own signing key `store.key` + `store.pub`
/// and age identity `store.identity` + `store.recipient`, made on first use unless already
/// there) and `snapshots/`; a *snapshot* is `snapshots/<id>.bundle`, a normal self-contained
/// signed bundle, plus its *index record* `snapshots/<id>.json`, written atomically after
/// the bundle, so only complete snapshots are ever listed. An *id* is
/// `YYYYMMDDTHHMMSSZ-xxxx` (UTC, four random hex digits): ids sort by time. `STORE/lock` is
/// `flock`ed: exclusively by create and prune, shared by verify, restore and export.
public struct SnapshotStore: Sendable {
    /// The store's folder.
    public let path: String

    /// The store at `path` (nothing is created until a snapshot is).
    public init(path: String) {
        self.path = path
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
    /// The store's public key file: anyone can verify an exported snapshot with it.
    public var publicKeyPath: String { Host.join(keysFolder, "store.pub") }
    /// The store's signing key (0600).
    public var secretKeyPath: String { Host.join(keysFolder, "store.key") }
    /// The store's age identity (0600), which opens the snapshots' secrets.
    public var identityPath: String { Host.join(keysFolder, "store.identity") }
    /// The store's age recipient.
    public var recipientPath: String { Host.join(keysFolder, "store.recipient") }

    /// `snapshots/<id>.bundle`.
    public func bundlePath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".bundle") }
    func recordPath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".json") }

    // MARK: create

    /// Captures `options.profile` into a new snapshot signed with the store's key and
    /// encrypted to its recipient, lists it, then applies `options.keep`.
    public func create(_ options: SnapshotOptions, onEvent: EventHandler? = nil) throws -> SnapshotResult {
        if let keep = options.keep, keep < 1 { throw SnapshotError.invalidKeep(keep) }
        try LocalFileSystem.makeDirectories(path, permissions: 0o700)
        let lock = try self.lock(exclusive: true, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let (signingKey, recipients) = try ensureKeys()
        try LocalFileSystem.makeDirectories(snapshotsFolder, permissions: 0o700)

        let existing = try LocalFileSystem.contents(of: snapshotsFolder)
            .filter { $0.hasSuffix(".bundle") || $0.hasSuffix(".json") }.map { String($0.prefix { $0 != "." }) }
        let id = try Self.makeID(options.created, after: existing)
        var capture = CaptureOptions(profile: options.profile, output: bundlePath(id), signingKey: signingKey)
        capture.root = options.root
        capture.os = options.os
        capture.overrides = options.overrides
        capture.settings = options.settings
        capture.created = options.created
        capture.host = options.host
        capture.compression = options.compression
        capture.lock = .recipients(recipients)
        capture.stopServices = options.stopServices
        capture.services = options.services
        let result = try Capturer(options: capture, onEvent: onEvent).run()

        let record = SnapshotRecord(
            id: id, created: result.manifest.created, profile: result.manifest.profile.id, label: options.label,
            size: result.bundleBytes, sha256: try Capturer.digest(of: result.output), files: result.manifest.entries.count)
        do {
            try writeRecord(record)
        } catch {
            LocalFileSystem.remove(result.output)
            throw error
        }
        let pruned = try options.keep.map { try prune(keep: $0, dryRun: false, locked: true) } ?? []
        return SnapshotResult(record: record, capture: result, pruned: pruned)
    }

    // MARK: list, find

    /// Every listed snapshot, oldest first. Bundles without a record (a crash between the two)
    /// are not listed; prune removes them.
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

    /// Verifies snapshot `id` with the store's public key and compares its digest with the record.
    public func verify(_ id: String, limits: VerifyLimits = .standard, onEvent: EventHandler? = nil) throws -> SnapshotCheck {
        let lock = try self.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        let report = try Verifier(bundle: bundlePath(id), publicKey: try publicKey(), limits: limits, onEvent: onEvent).run()
        return SnapshotCheck(record: record, report: report, sha256: try Capturer.digest(of: bundlePath(id)))
    }

    /// Restores snapshot `id` with the store's key and identity, exactly (`RestoreOptions.exact`:
    /// files added since are moved into the safeguard); `configure` sets the rest (root, dry
    /// run, services) on options whose bundle, key, unlock and exactness the store fills in.
    public func restore(
        _ id: String, configure: (inout RestoreOptions) throws -> Void = { _ in }, onEvent: EventHandler? = nil
    ) throws -> RestoreReport {
        let lock = try self.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        _ = try record(id)
        var options = RestoreOptions(bundle: bundlePath(id), publicKey: try publicKey())
        try configure(&options)
        options.bundle = bundlePath(id)
        options.publicKey = try publicKey()
        options.unlock = .identities(try AgeKeyFiles.identities([identityPath]))
        options.exact = true
        return try Restorer(options: options, onEvent: onEvent).run()
    }

    /// Compares snapshot `id` with the live files (`Differ`), verified with the store's key and
    /// its secrets compared with the store's identity; `configure` sets root, OS and `--var`s.
    public func diff(_ id: String, configure: (inout DiffOptions) throws -> Void = { _ in }, onEvent: EventHandler? = nil) throws -> DiffReport {
        let lock = try self.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        _ = try record(id)
        var options = DiffOptions(bundle: bundlePath(id))
        try configure(&options)
        options.bundle = bundlePath(id)
        options.publicKey = try publicKey()
        options.unlock = .identities(try AgeKeyFiles.identities([identityPath]))
        return try Differ(options: options).run()
    }

    /// Copies snapshot `id` to `destination` (which must not exist), synced; the copy is a
    /// normal bundle that verifies with `store.pub`. Returns the record.
    @discardableResult
    public func export(_ id: String, to destination: String, onEvent: EventHandler? = nil) throws -> SnapshotRecord {
        let lock = try self.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        let record = try record(id)
        if try FileStatus.of(destination) != nil { throw FileSystemError.alreadyExists(path: destination) }
        let input = try LocalFileSystem.openForReading(bundlePath(id))
        defer { try? input.close() }
        let output = try LocalFileSystem.createExclusive(destination, permissions: 0o600)
        do {
            defer { try? output.close() }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate() }
            try LocalFileSystem.append(from: input, path: bundlePath(id), to: output, destinationPath: destination, buffer: buffer)
            try LocalFileSystem.sync(output, path: destination)
        } catch {
            LocalFileSystem.remove(destination)
            throw error
        }
        return record
    }

    // MARK: prune

    /// Removes all but the newest `keep` snapshots (oldest first; never the newest), and any
    /// bundle or temporary file a crash left behind. Returns what was (or, with
    /// `dryRun`, would be) removed.
    public func prune(keep: Int, dryRun: Bool = false, onEvent: EventHandler? = nil) throws -> [SnapshotRecord] {
        guard keep >= 1 else { throw SnapshotError.invalidKeep(keep) }
        guard try FileStatus.of(snapshotsFolder) != nil else { return [] }
        let lock = try self.lock(exclusive: true, onEvent: onEvent)
        defer { withExtendedLifetime(lock) {} }
        return try prune(keep: keep, dryRun: dryRun, locked: true)
    }

    private func prune(keep: Int, dryRun: Bool, locked: Bool) throws -> [SnapshotRecord] {
        guard keep >= 1 else { throw SnapshotError.invalidKeep(keep) }
        let records = try list()
        let doomed = Array(records.dropLast(keep))
        if dryRun { return doomed }
        for record in doomed {
            // The record first: a crash in between leaves an unlisted bundle, never a listed ghost.
            LocalFileSystem.remove(recordPath(record.id))
            try LocalFileSystem.syncDirectory(snapshotsFolder)
            LocalFileSystem.remove(bundlePath(record.id))
        }
        let listed = Set(records.dropFirst(doomed.count).map(\.id))
        for name in try LocalFileSystem.contents(of: snapshotsFolder) {
            let id = name.hasSuffix(".bundle") ? String(name.dropLast(7)) : nil
            if let id, !listed.contains(id) { LocalFileSystem.remove(Host.join(snapshotsFolder, name)) }
            // Hidden names are this store's own temporary files (records, bundle spools and
            // partials); under the exclusive lock nothing is writing them, so a crash left them.
            if name.hasPrefix(".") { LocalFileSystem.remove(Host.join(snapshotsFolder, name)) }
        }
        try LocalFileSystem.syncDirectory(snapshotsFolder)
        return doomed
    }

    // MARK: keys, records, lock

    /// The store's public key.
    public func publicKey() throws -> MinisignPublicKey {
        guard try FileStatus.of(publicKeyPath) != nil else { throw SnapshotError.noStore(path: path) }
        return try KeyFiles.publicKey(publicKeyPath)
    }

    /// Reads the store's keys, making any pair that is missing.
    private func ensureKeys() throws -> (MinisignSecretKey, [AgeRecipient]) {
        try LocalFileSystem.makeDirectories(keysFolder, permissions: 0o700)
        let prefix = Host.join(keysFolder, "store")
        if try FileStatus.of(secretKeyPath) == nil { _ = try KeyFiles.generate(prefix: prefix) }
        if try FileStatus.of(identityPath) == nil { _ = try AgeKeyFiles.generate(prefix: prefix) }
        try LocalFileSystem.syncDirectory(keysFolder)
        return (try KeyFiles.secretKey(at: secretKeyPath), try AgeKeyFiles.recipients([recipientPath]))
    }

    private func lock(exclusive: Bool, onEvent: EventHandler?) throws -> FileLock {
        guard try FileStatus.of(path) != nil else { throw SnapshotError.noStore(path: path) }
        let lockPath = Host.join(path, "lock")
        return try FileLock(path: lockPath, exclusive: exclusive) {
            onEvent?(.warning("\(lockPath): another bundle snapshot command is using the store; waiting for it"))
        }
    }

    /// Temp file, fsync, rename, fsync the folder: the record appears whole or not at all.
    private func writeRecord(_ record: SnapshotRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(record) + Data("\n".utf8)
        let temporary = Host.join(snapshotsFolder, ".\(record.id).json.tmp")
        LocalFileSystem.remove(temporary)
        let descriptor = try LocalFileSystem.createExclusive(temporary, permissions: 0o644)
        do {
            defer { try? descriptor.close() }
            try data.withUnsafeBytes { try LocalFileSystem.writeAll(descriptor, $0, path: temporary) }
            try LocalFileSystem.sync(descriptor, path: temporary)
            guard try LocalFileSystem.move(temporary, to: recordPath(record.id)) else {
                throw FileSystemError.cannotWrite(path: recordPath(record.id), errno: .improperLink)
            }
        } catch {
            LocalFileSystem.remove(temporary)
            throw error
        }
        try LocalFileSystem.syncDirectory(snapshotsFolder)
    }

    private func readRecord(_ id: String) throws -> SnapshotRecord {
        let file = recordPath(id)
        let record: SnapshotRecord
        do {
            record = try JSONDecoder().decode(SnapshotRecord.self, from: Data(KeyFiles.read(file).utf8))
        } catch let error as FileSystemError {
            throw error
        } catch {
            throw SnapshotError.badIndex(path: file, reason: String(describing: error))
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
