internal import CArchive

/// Writes a pax tar stream, compressed as asked, to a sink.
///
/// Call `begin`, `write` (as often as needed), `end` for each entry, then `finish` once. The
/// bytes depend only on the headers and data given: uid/gid 0, no owner names, no atime, ctime
/// or extended attributes, no gzip timestamp. After any error the writer is unusable and every
/// further call throws `ArchiveError.invalidState`. A writer dropped before `finish` sends
/// nothing more to `output`.
public final class PaxWriter {
    private struct OpenEntry {
        let path: String
        let declared: Int64
        var written: Int64
    }

    private let tar: ArchiveHandle
    private let compressor: (any Compressor)?
    private let entry: ArchiveEntry
    private var current: OpenEntry?
    private var finished = false
    private var failure: (any Error)?

    /// Makes a writer that sends its output to `output`, in pieces of up to 64–128 KiB that
    /// are only valid during the call. Errors thrown by `output` come back unchanged from the
    /// method that caused the write.
    ///
    /// - Parameters:
    ///   - compression: gzip, zstd or none.
    ///   - level: the compression level (gzip 0–9, default 6; zstd 1–22, default 3); ignored
    ///     for `.none`.
    ///   - independentMembers: gzip: write the stream as independent members of 512 KiB of
    ///     tar each, with their lengths in their headers (`GzipMemberHeader`); zstd: as
    ///     independent frames of 1 MiB (`ParallelZstd`). Either is compressed on every core
    ///     and read on every core. Off: one gzip member (pigz's method), one zstd frame.
    ///   - onWarning: receives libarchive's warnings, which do not stop the writer.
    public init(
        compression: Compression, level: Int? = nil, independentMembers: Bool = false, onWarning: ((String) -> Void)? = nil,
        output: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let tar = try ArchiveHandle(.write, onWarning: onWarning)
        // Full pax (not "restricted"), so sub-second mtimes are kept.
        try tar.check(archive_write_set_format_pax(tar.pointer), .configure)
        // Unbuffered: no copy into 10 KiB blocks, no padding after the last 512-byte block.
        try tar.check(archive_write_set_bytes_per_block(tar.pointer, 0), .configure)
        switch compression {
        case .none:
            compressor = nil
            tar.sink = output
        case .gzip:
            // One gzip member, compressed on every core (pigz's method).
            let compressor = try ParallelGzip(level: level ?? 6, independentMembers: independentMembers, output: output)
            self.compressor = compressor
            tar.sink = { try compressor.write($0) }
        case .zstd where independentMembers:
            // Independent frames of 1 MiB of tar, compressed on every core.
            let compressor = try ParallelZstd(level: level, output: output)
            self.compressor = compressor
            tar.sink = { try compressor.write($0) }
        case .zstd:
            let compressor = try FilterCompressor(compression, level: level, onWarning: onWarning, output: output)
            self.compressor = compressor
            tar.sink = { try compressor.write($0) }
        }
        try UTF8Locale.run { try tar.openOutput() }
        entry = try ArchiveEntry()
        self.tar = tar
    }

    deinit {
        // archive_write_free closes an unfinished stream; its trailer must not reach `output`.
        tar.discardsOutput = true
        compressor?.discardOutput()
    }

    /// Starts an entry: a regular file, a directory or a symlink. A regular file's data must
    /// follow through `write`, exactly `header.size` bytes, before `end`; directories and
    /// symlinks have size 0 and need only `end`.
    public func begin(_ header: EntryHeader) throws {
        try checkUsable(.writeHeader, path: header.path)
        if let current {
            throw fail(
                .invalidState(
                    operation: .writeHeader, path: current.path,
                    reason: "this entry is still open; call end() before beginning '\(header.path)'"))
        }
        try validate(header)
        let e = entry.pointer
        try UTF8Locale.run {
            Self.fill(e, from: header)
            try guarded { try tar.check(archive_write_header(tar.pointer, e), .writeHeader, path: header.path) }
        }
        current = OpenEntry(path: header.path, declared: header.size, written: 0)
    }

    /// The entry `e` as `header` describes it, with uid/gid 0 and nothing else (call inside
    /// `UTF8Locale.run`).
    private static func fill(_ e: OpaquePointer, from header: EntryHeader) {
        archive_entry_clear(e)
        archive_entry_copy_pathname(e, header.path)
        switch header.kind {
        case .regular: archive_entry_set_filetype(e, FileType.regular)
        case .directory: archive_entry_set_filetype(e, FileType.directory)
        case .symlink(let target):
            archive_entry_set_filetype(e, FileType.symlink)
            archive_entry_copy_symlink(e, target)
        case .hardlink, .other: break  // refused by validate
        }
        archive_entry_set_perm(e, mode_t(header.permissions & 0o7777))
        archive_entry_set_size(e, header.size)
        archive_entry_set_mtime(e, time_t(header.mtimeSeconds), Int(header.mtimeNanoseconds))
        archive_entry_set_uid(e, 0)
        archive_entry_set_gid(e, 0)
    }

    /// The exact tar header bytes (pax extended header, if any, and the ustar block) that
    /// `begin(header)` writes: what a verifier compares a bundle's headers with. Nothing of the
    /// entry's data is produced, however large `header.size` is.
    public static func headerBytes(for header: EntryHeader) throws -> [UInt8] {
        final class Collected { var bytes: [UInt8] = [] }
        let collected = Collected()
        let tar = try ArchiveHandle(.write, onWarning: nil)
        try tar.check(archive_write_set_format_pax(tar.pointer), .configure)
        try tar.check(archive_write_set_bytes_per_block(tar.pointer, 0), .configure)
        tar.sink = { collected.bytes.append(contentsOf: $0) }
        let entry = try ArchiveEntry()
        try UTF8Locale.run {
            try tar.openOutput()
            fill(entry.pointer, from: header)
            try tar.check(archive_write_header(tar.pointer, entry.pointer), .writeHeader, path: header.path)
        }
        // The entry's data is never written: fail the writer so that closing does not pad it,
        // then close it anyway (its output discarded): `archive_write_free` skips closing a
        // failed writer, which leaked the output filter's state, about 80 bytes a call.
        tar.discardsOutput = true
        archive_write_fail(tar.pointer)
        archive_write_close(tar.pointer)
        return collected.bytes
    }

    /// Writes data of the current entry. Throws, writing nothing, if the total would exceed the
    /// size its header declared.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var open = try currentEntry(.writeData)
        let total = open.written + Int64(bytes.count)
        if total > open.declared {
            throw fail(.sizeMismatch(operation: .writeData, path: open.path, declared: open.declared, actual: total))
        }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let written = archive_write_data(tar.pointer, base, bytes.count)
        if written != bytes.count {
            try guarded {
                try tar.check(
                    written < 0 ? Int32(truncatingIfNeeded: written) : ARCHIVE_FATAL, .writeData, path: open.path)
            }
        }
        open.written = total
        current = open
    }

    /// Ends the current entry. Throws if fewer bytes were written than its header declared.
    public func end() throws {
        let open = try currentEntry(.endEntry)
        if open.written < open.declared {
            throw fail(
                .sizeMismatch(operation: .endEntry, path: open.path, declared: open.declared, actual: open.written))
        }
        try guarded { try tar.check(archive_write_finish_entry(tar.pointer), .endEntry, path: open.path) }
        current = nil
    }

    /// Closes the stream. With `endOfArchive: false` the tar end-of-archive blocks are left
    /// out (and no padding beyond the last 512-byte block), so that another stream written by
    /// another PaxWriter can be appended: gzip members and zstd frames concatenate, and the
    /// concatenation reads as ONE archive in libarchive, GNU `tar -xzf` / `tar --zstd -xf` and
    /// `bsdtar`. The compressed stream itself is always complete (a full gzip member or zstd
    /// frame), so each piece also passes `gzip -t` / `zstd -t` on its own.
    public func finish(endOfArchive: Bool = true) throws {
        try checkUsable(.close, path: nil)
        if let current {
            throw fail(
                .invalidState(
                    operation: .close, path: current.path,
                    reason: "this entry is still open; call end() before finish()"))
        }
        finished = true
        // Every entry has ended, so everything written from now on is the trailer.
        if !endOfArchive { tar.discardsOutput = true }
        try guarded {
            try UTF8Locale.run { try tar.check(archive_write_close(tar.pointer), .close) }
            try compressor?.close()
        }
    }

    // MARK: - State

    private func checkUsable(_ operation: ArchiveError.Operation, path: String?) throws {
        if let failure {
            throw ArchiveError.invalidState(
                operation: operation, path: path, reason: "the writer stopped at an earlier error (\(failure))")
        }
        if finished {
            throw ArchiveError.invalidState(operation: operation, path: path, reason: "the writer is already finished")
        }
    }

    private func currentEntry(_ operation: ArchiveError.Operation) throws -> OpenEntry {
        try checkUsable(operation, path: current?.path)
        guard let current else {
            throw fail(.invalidState(operation: operation, path: nil, reason: "no entry is open; call begin() first"))
        }
        return current
    }

    private func validate(_ header: EntryHeader) throws {
        func refuse(_ reason: String) -> any Error {
            fail(.invalidHeader(operation: .writeHeader, path: header.path, reason: reason))
        }
        if header.path.isEmpty { throw refuse("the path is empty") }
        if header.path.utf8.contains(0) { throw refuse("the path contains a NUL byte") }
        switch header.kind {
        case .regular:
            if header.size < 0 { throw refuse("the size \(header.size) is negative") }
        case .directory:
            if header.size != 0 { throw refuse("a directory has no data, but its size is \(header.size)") }
        case .symlink(let target):
            if header.size != 0 { throw refuse("a symlink has no data, but its size is \(header.size)") }
            if target.isEmpty { throw refuse("the symlink target is empty") }
            if target.utf8.contains(0) { throw refuse("the symlink target contains a NUL byte") }
        case .hardlink, .other:
            throw refuse("a \(header.kind.name) cannot be written; only regular files, directories and symlinks")
        }
        if !(0..<1_000_000_000).contains(header.mtimeNanoseconds) {
            throw refuse("mtimeNanoseconds \(header.mtimeNanoseconds) is outside 0..<1000000000")
        }
    }

    /// Runs `body`; if it throws, the writer is marked failed and the error passes through
    /// (a compressor failure, which cannot know the entry, gets the current entry's path).
    private func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let ArchiveError.library(operation, nil, message, number) where current != nil {
            throw fail(.library(operation: operation, path: current?.path, message: message, errno: number))
        } catch {
            throw fail(error)
        }
    }

    private func fail(_ error: any Error) -> any Error {
        if failure == nil { failure = error }
        return error
    }

    private func fail(_ error: ArchiveError) -> any Error {
        fail(error as any Error)
    }
}
