/// The capture's files, sorted and checked, moved out of memory into a private scratch file
/// next to the output for the payload pass (`.<name>.sources-*`, 0600, removed on every exit
/// path), so that writing the payload holds no per-file data whatever the number of files:
/// the table (`SourceTable`) is needed whole only to sort and check, before the compressor's
/// and the read-ahead's buffers exist. The files are read back in order, one at a time, by
/// cursors: one for the read-ahead thread, one for the writer.
///
/// Nothing is appended after `init`; reading is `pread`, so the spool is shared by threads.
final class SourceSpool: @unchecked Sendable {
    /// What the files share; a spooled record names its group by position.
    let groups: [SourceGroup]
    /// How many files, kept links included.
    let count: Int
    /// How many of them have bytes to read (not kept links).
    let fileCount: Int
    /// The bytes of those, by `lstat`.
    let totalSize: Int64
    private let file: ScratchFile

    /// Spools `table` (left empty, its memory released) into `folder`, named after the output `name`.
    init(taking table: inout SourceTable, in folder: String, name: String) throws {
        let sources = table
        table = SourceTable()
        groups = sources.groups
        count = sources.count
        fileCount = sources.indices.reduce(0) { $0 + (sources.isLink($1) ? 0 : 1) }
        totalSize = sources.indices.reduce(Int64(0)) { $0 + (sources.isLink($1) ? 0 : sources.size($1)) }
        file = try ScratchFile(in: folder, name: name, label: "sources")
        do {
            var entry: [UInt8] = []
            for index in sources.indices {
                entry.removeAll(keepingCapacity: true)
                sources.appendSpooled(index, to: &entry)
                try file.append(entry)
            }
            try file.flush()
        } catch {
            file.remove()
            throw error
        }
    }

    /// A cursor at the first file; `skippingLinks`: over the files with bytes only.
    func cursor(skippingLinks: Bool = false) -> Cursor {
        Cursor(file: file, groups: groups, skippingLinks: skippingLinks)
    }

    /// Deletes the scratch file.
    func remove() {
        file.remove()
    }

    /// Reads the spooled files in order, 64 KiB of the scratch file at a time. One thread at
    /// a time uses a cursor; several cursors may read the same spool at once.
    final class Cursor: @unchecked Sendable {
        private let file: ScratchFile
        private let groups: [SourceGroup]
        private let skippingLinks: Bool
        private var buffer = [UInt8](repeating: 0, count: 1 << 16)
        private var start = 0
        private var end = 0
        private var offset: Int64 = 0

        fileprivate init(file: ScratchFile, groups: [SourceGroup], skippingLinks: Bool) {
            self.file = file
            self.groups = groups
            self.skippingLinks = skippingLinks
        }

        /// The next file, or nil after the last.
        func next() throws -> CaptureSource? {
            while true {
                guard let length = try available() else { return nil }
                let source = buffer.withUnsafeBytes { bytes -> CaptureSource? in
                    let entry = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + length)])
                    return skippingLinks && SourceTable.spooledIsLink(entry) ? nil : SourceTable.spooledSource(entry, groups: groups)
                }
                start += length
                if let source { return source }
            }
        }

        /// The length of the whole file at `start` in the buffer, reading more as needed; nil at the end.
        private func available() throws -> Int? {
            while true {
                let length = buffer.withUnsafeBytes { SourceTable.spooledLength(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
                if let length { return length }
                // Move what is left to the front (doubling the buffer when one file fills it),
                // then fill the rest.
                if start > 0 {
                    buffer.replaceSubrange(0..<start, with: EmptyCollection())
                    buffer.append(contentsOf: repeatElement(0, count: start))
                    end -= start
                    start = 0
                }
                if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
                let read = try buffer.withUnsafeMutableBytes { try file.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
                if read == 0 {
                    if end == 0 { return nil }
                    throw FileSystemError.changedWhileReading(path: file.path, expected: offset + Int64(end))
                }
                end += read
                offset += Int64(read)
            }
        }
    }
}
