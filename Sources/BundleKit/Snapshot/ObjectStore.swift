import ArchiveIO
import Foundation

/// `STORE/objects`: each distinct payload member's bytes once, as stored in the bundle (the
/// ciphertext for encrypted members), raw, named by their SHA-256: `objects/<2 hex>/<64 hex>`.
struct ObjectStore {
    /// `STORE/objects`.
    let folder: String

    /// Where the object with `digest` lives; nil when `digest` is not 64 lowercase hex digits
    /// (so no name read from a header can leave the folder).
    func path(_ digest: String) -> String? {
        guard Hex.isSHA256(digest) else { return nil }
        return Host.join(Host.join(folder, String(digest.prefix(2))), digest)
    }

    /// Reads the current member's `size` bytes from `reader` into the object `digest` for
    /// snapshot `id`, unless it is already there: a hidden temporary name, fsynced, renamed.
    /// Returns whether it was new. The bytes must hash to `digest`, or nothing is kept.
    func add(
        from reader: PaxReader, size: Int64, digest: String, member: String, snapshot id: String,
        buffer: UnsafeMutableRawBufferPointer
    ) throws -> Bool {
        guard let object = path(digest) else {
            throw SnapshotError.badHeader(path: member, reason: "'\(digest)' is not a SHA-256")
        }
        if try FileStatus.of(object) != nil {
            try reader.skip()
            return false
        }
        let subfolder = HostPath.parent(object)
        try LocalFileSystem.makeDirectories(subfolder, permissions: .ownerOnlyFolder)
        try LocalFileSystem.writeAtomically(object, temporary: Host.join(folder, ".\(digest).tmp")) { file, temporary in
            let (actual, copied) = try reader.digestMember(buffer: buffer) { chunk in
                try LocalFileSystem.writeAll(file, chunk, path: temporary)
            }
            guard copied == size, actual == digest else {
                throw SnapshotError.badObject(ObjectProblem(
                    snapshot: id, member: member, object: object,
                    kind: copied == size ? .wrongDigest(actual: actual) : .wrongSize(expected: size, actual: copied)))
            }
        }
        return true
    }

    /// Removes every object not in `referenced`, and the temporary files a crash left
    /// (hidden names); empty subfolders go too. Returns how many objects were removed.
    func collectGarbage(keeping referenced: Set<String>) throws -> Int {
        guard try FileStatus.of(folder) != nil else { return 0 }
        var removed = 0
        for name in try LocalFileSystem.contents(of: folder) {
            let subfolder = Host.join(folder, name)
            guard !name.hasPrefix("."), try FileStatus.of(subfolder)?.kind == .directory else {
                LocalFileSystem.removeTree(subfolder)
                continue
            }
            for object in try LocalFileSystem.contents(of: subfolder) where !referenced.contains(object) {
                LocalFileSystem.removeTree(Host.join(subfolder, object))
                if !object.hasPrefix(".") { removed += 1 }
            }
            try? LocalFileSystem.syncDirectory(subfolder)
            LocalFileSystem.removeEmptyFolder(subfolder)
        }
        try LocalFileSystem.syncDirectory(folder)
        return removed
    }
}
