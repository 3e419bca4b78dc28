import Foundation
import SystemPackage

/// Writes each verified member into the staging folder as `NNNNNN` (0600), with its final
/// mode and time already set and its data synced, so committing is a rename.
final class StagingSink: PayloadSink {
    let folder: String
    private(set) var staged: [String: String] = [:]  // member -> staged path
    private var current: (descriptor: FileDescriptor, path: String)?
    private let permissions: (ManifestEntry) -> UInt32

    init(folder: String, permissions: @escaping (ManifestEntry) -> UInt32) {
        self.folder = folder
        self.permissions = permissions
    }

    func begin(_ entry: ManifestEntry) throws {
        let path = folder + "/" + String(format: "%06d", staged.count + 1)
        current = (try LocalFileSystem.createExclusive(path, permissions: 0o600), path)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let current else { return }
        try LocalFileSystem.writeAll(current.descriptor, bytes, path: current.path)
    }

    func end(_ entry: ManifestEntry, intact: Bool) throws {
        guard let (descriptor, path) = current else { return }
        current = nil
        defer { try? descriptor.close() }
        guard intact else {
            LocalFileSystem.remove(path)
            return
        }
        try LocalFileSystem.setPermissions(descriptor, permissions(entry), path: path)
        try LocalFileSystem.setModificationTime(descriptor, seconds: entry.mtime, nanoseconds: entry.mtimeNanoseconds, path: path)
        try LocalFileSystem.sync(descriptor, path: path)
        staged[entry.member] = path
    }

    /// Closes a member left open by an error.
    func abandon() {
        if let (descriptor, path) = current {
            try? descriptor.close()
            LocalFileSystem.remove(path)
            current = nil
        }
    }
}
