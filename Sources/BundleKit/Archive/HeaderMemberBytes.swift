import ArchiveIO
import Foundation

/// One header member's bytes as read from a bundle: in memory when small, otherwise spooled to
/// a private (0600) scratch file and mapped, so that the MANIFEST.json of 100,000 files (~46 MB)
/// is never held whole: every pass over it (`forEachChunk`, `scan`) lets go of the pages it has
/// passed. The scratch file's name is removed as soon as it is mapped (POSIX), else when this is
/// released; while it is written, a signal removes it (`ScratchRegistry`).
final class HeaderMemberBytes {
    private let data: Data?
    private let spool: ScratchFile?
    private let mapped: MappedFile?
    /// The member's size in bytes.
    let count: Int

    /// Bytes held in memory.
    init(_ data: Data) {
        self.data = data
        spool = nil
        mapped = nil
        count = data.count
    }

    private init(spool: ScratchFile, mapped: MappedFile) {
        data = nil
        self.spool = spool
        self.mapped = mapped
        count = mapped.bytes.count
    }

    deinit { spool?.remove() }

    /// Reads the current member's `size` bytes from `reader`: into memory up to `inMemoryLimit`,
    /// else into a scratch file in `scratchFolder`. `observe` sees each piece (up to 1 MiB) as
    /// it arrives, with the bytes read so far: a digest taken there saves a pass over the
    /// member, and progress moves while a large manifest is read.
    static func read(
        from reader: PaxReader, size: Int64, member: String, inMemoryLimit: Int64, scratchFolder: String,
        observe: HeaderMemberObserver = { _, _, _, _ in }
    ) throws -> HeaderMemberBytes {
        if size <= inMemoryLimit {
            var data = Data(count: Int(size))
            let filled = try data.withUnsafeMutableBytes { buffer in
                var filled = 0
                while filled < buffer.count {
                    let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<min(buffer.count, filled + chunkSize)])
                    let count = try fill(piece, from: reader)
                    if count == 0 { break }
                    filled += count
                    observe(member, UnsafeRawBufferPointer(rebasing: piece[..<count]), Int64(filled), size)
                }
                return filled
            }
            guard filled == Int(size) else { throw BundleHeaderError.endsEarly(member: member) }
            return HeaderMemberBytes(data)
        }
        let spool = try ScratchFile(in: scratchFolder, name: "bundle", label: member)
        do {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            var total: Int64 = 0
            while total < size {
                let count = try fill(UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(min(Int64(chunkSize), size - total))]), from: reader)
                if count == 0 { break }
                try spool.append(Data(bytesNoCopy: buffer.baseAddress!, count: count, deallocator: .none))
                total += Int64(count)
                observe(member, UnsafeRawBufferPointer(rebasing: buffer[..<count]), total, size)
            }
            guard total == size else { throw BundleHeaderError.endsEarly(member: member) }
            return HeaderMemberBytes(spool: spool, mapped: try spool.mapAndRemove())
        } catch {
            spool.remove()
            throw error
        }
    }

    private static let chunkSize = 1 << 20

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer, from reader: PaxReader) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// Whether the bytes were spooled (and are read through a mapping).
    var isSpooled: Bool { mapped != nil }

    /// The bytes as one `Data` (a copy when spooled: for small members and the rare legacy path).
    var bytes: Data {
        if let data { return data }
        return Data(mapped!.bytes)
    }

    /// Calls `body` with consecutive pieces of the bytes, front to back.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try scan { bytes, release in
            var start = 0
            while start < bytes.count {
                let end = min(start + Self.chunkSize, bytes.count)
                try body(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                release(end)
                start = end
            }
        }
    }

    /// Calls `body` with all the bytes and a function that lets go of those before an offset
    /// (a reader moving forward calls it now and then); all are let go afterwards.
    func scan<R>(_ body: (UnsafeRawBufferPointer, (Int) -> Void) throws -> R) rethrows -> R {
        if let data {
            return try data.withUnsafeBytes { try body($0, { _ in }) }
        }
        let mapped = mapped!
        defer { mapped.releaseAll() }
        return try body(mapped.bytes, { mapped.release(below: $0) })
    }
}

/// Sees a header member's bytes as they are read: the member, the piece just read, the bytes
/// read so far and the member's size.
typealias HeaderMemberObserver = (_ member: String, _ piece: UnsafeRawBufferPointer, _ read: Int64, _ size: Int64) -> Void
