internal import CArchive

/// Owns one `struct archive_entry`, reused for every header a writer emits.
final class ArchiveEntry {
    /// The entry; valid for the object's lifetime.
    let pointer: OpaquePointer

    init() throws {
        guard let made = archive_entry_new() else {
            throw ArchiveError.library(operation: .configure, path: nil, message: "Out of memory", errno: 0)
        }
        pointer = made
    }

    deinit {
        archive_entry_free(pointer)
    }
}
