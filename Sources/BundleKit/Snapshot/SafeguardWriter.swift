import Foundation
import SystemPackage

/// Keeps one restore's originals as a safeguard snapshot (version 3) in the store
/// `STATE/snapshots`, under the store's exclusive lock from the first object to the record:
///
/// - a file's bytes become the object named by their SHA-256, unless it is there already (an
///   unchanged file costs nothing). A new object is the file itself, hard-linked, when the
///   caller says the restore will rename a new file over the path (so the old inode is never
///   written again), the file has no other name and the store is on its file system;
///   otherwise a copy (hashed as it is copied). Neither is synced one by one.
/// - `commit` writes the index (`<id>.safeguard`), makes every object and name durable with
///   one `syncfs`, then writes the record (`<id>.json`, synced): only then is the safeguard
///   listed, and only then may the journal name its originals.
final class SafeguardWriter {
    let layout: StoreLayout
    let index: SnapshotIndex
    /// The safeguard's snapshot id.
    let id: String
    /// Hidden names of objects being written: `.safeguard-<id>-N` (prune removes leftovers).
    private var temporaries = 0
    private var lock: FileLock?
    /// Bytes of the originals, and of the objects this safeguard added.
    private(set) var originalBytes: Int64 = 0
    private(set) var addedBytes: Int64 = 0
    private(set) var linked = 0

    init(store: String, id: String, lockTimeout: Double?) {
        layout = StoreLayout(path: store)
        index = SnapshotIndex(layout: layout, lockTimeout: lockTimeout)
        self.id = id
    }

    /// Makes the store's folders (0700) and takes its lock; refuses an id already in use.
    func open(onEvent: EventHandler?) throws {
        for folder in [layout.path, layout.objectsFolder, layout.snapshotsFolder] {
            try LocalFileSystem.makeDirectories(folder, permissions: 0o700)
        }
        lock = try index.lock(exclusive: true, onEvent: onEvent)
        for suffix in StoreLayout.snapshotSuffixes + [".json"] where try FileStatus.of(Host.join(layout.snapshotsFolder, id + suffix)) != nil {
            throw FileSystemError.alreadyExists(path: Host.join(layout.snapshotsFolder, id + suffix))
        }
    }

    /// Releases the store's lock.
    func close() { lock = nil }

    /// Keeps `path` (a regular file or a link, as `status` says) and returns its original.
    func keep(_ path: String, status: FileStatus, mayLink: Bool) throws -> RestoreJournal.SavedOriginal {
        if status.kind == .symlink {
            let text = try FileManager.default.destinationOfSymbolicLink(atPath: path)
            return .init(status: status, object: nil, link: text)
        }
        originalBytes += status.size
        // Opened without following a link and without blocking: a path swapped for a link or a
        // FIFO since it was looked at is refused, never followed.
        let input: FileDescriptor
        do {
            input = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .noFollow, .nonBlocking])
        } catch {
            throw FileSystemError.cannotRead(path: path, errno: error as? Errno ?? .ioError)
        }
        defer { try? input.close() }
        guard try FileStatus.of(descriptor: input, path: path).kind == .regular else {
            throw FileSystemError.cannotRead(path: path, errno: .invalidArgument)
        }
        let digest = try copy(input, path: path, to: nil)
        let object = try layout.objects.path(digest).unwrap(path)
        if try FileStatus.of(object) != nil { return .init(status: status, object: digest, link: nil) }
        try LocalFileSystem.makeDirectories(HostPath.parent(object), permissions: 0o700)
        temporaries += 1
        let temporary = Host.join(layout.objectsFolder, ".safeguard-\(id)-\(temporaries)")
        LocalFileSystem.remove(temporary)
        var kept = digest
        if mayLink, status.linkCount == 1, try LocalFileSystem.hardLink(path, to: temporary),
            try FileStatus.of(temporary).map({ $0.kind == .regular && $0.size == status.size && $0.linkCount == 2 }) == true
        {
            linked += 1
        } else {
            LocalFileSystem.remove(temporary)
            kept = try copy(input, path: path, to: temporary)
            addedBytes += status.size
        }
        // The copy is named by what was copied; a file that changed since it was hashed keeps
        // its new bytes under their own name.
        let name = try layout.objects.path(kept).unwrap(path)
        if try FileStatus.of(name) != nil {
            LocalFileSystem.remove(temporary)
        } else {
            try LocalFileSystem.makeDirectories(HostPath.parent(name), permissions: 0o700)
            guard try LocalFileSystem.move(temporary, to: name) else { throw FileSystemError.cannotWrite(path: name, errno: .improperLink) }
        }
        return .init(status: status, object: kept, link: nil)
    }

    /// Writes `journal` (format 3, every original in it) as the safeguard's index, makes it and
    /// every object durable, then lists the safeguard with its record.
    /// `files`: how many originals it keeps (files and links).
    func commit(_ journal: RestoreJournal, profile: String, created: String, files: Int) throws -> SnapshotRecord {
        var lists: RestoreJournal.EncodedLists?
        let path = layout.safeguardPath(id)
        let temporary = Host.join(layout.snapshotsFolder, ".\(id).safeguard.tmp")
        LocalFileSystem.remove(temporary)
        let descriptor = try LocalFileSystem.createExclusive(temporary, permissions: 0o600)
        // Written and hashed a piece at a time: the touched list comes from the journal's spool.
        var hasher = SHA256Stream()
        do {
            defer { try? descriptor.close() }
            try journal.write(lists: &lists) { bytes in
                hasher.update(bytes)
                try LocalFileSystem.writeAll(descriptor, bytes, path: temporary)
            }
        }
        guard try LocalFileSystem.move(temporary, to: path) else { throw FileSystemError.cannotWrite(path: path, errno: .improperLink) }
        // One sync for every object, link, copy and name: the index is durable before the record names it.
        try LocalFileSystem.syncFileSystem(containing: layout.snapshotsFolder)
        if try FileStatus.of(layout.objectsFolder)?.device != FileStatus.of(layout.snapshotsFolder)?.device {
            try LocalFileSystem.syncFileSystem(containing: layout.objectsFolder)
        }
        var record = SnapshotRecord(
            id: id, created: created, profile: profile, label: nil, size: originalBytes, sha256: hasher.hex(), files: files)
        record.version = 3
        record.bundle = journal.bundle
        record.root = journal.root
        record.restore = journal.id
        try index.write(record)
        return record
    }

    /// Reads `input` (the file `path`) from its start, copying it to the new file `temporary`
    /// (0600, unsynced) unless that is nil; returns the SHA-256 of what it read.
    private func copy(_ input: FileDescriptor, path: String, to temporary: String?) throws -> String {
        do {
            _ = try input.seek(offset: 0, from: .start)
        } catch {
            throw FileSystemError.cannotRead(path: path, errno: error as? Errno ?? .ioError)
        }
        let output = try temporary.map { try LocalFileSystem.createExclusive($0, permissions: 0o600) }
        defer { try? output?.close() }
        var hasher = SHA256Stream()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try LocalFileSystem.readFully(input, into: buffer, path: path)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            hasher.update(chunk)
            if let output, let temporary { try LocalFileSystem.writeAll(output, chunk, path: temporary) }
        }
        return hasher.hex()
    }
}

extension Optional where Wrapped == String {
    /// The object path, or the error for a digest that is not one (which cannot happen for a
    /// digest computed here).
    fileprivate func unwrap(_ path: String) throws -> String {
        guard let self else { throw SnapshotError.badHeader(path: path, reason: "no SHA-256 for it") }
        return self
    }
}
