import ArchiveIO
import Foundation

/// The three header members, read in their fixed order from the front of a bundle.
struct BundleHeader {
    var manifest = Data()
    var checksums = Data()
    var signature = Data()

    /// Reads MANIFEST.json, SHA256SUMS and SHA256SUMS.minisig; the error says which one is
    /// missing, misplaced, too large or cut off.
    static func read(from reader: PaxReader) throws(BundleHeaderError) -> BundleHeader {
        var header = BundleHeader()
        for name in [BundleLayout.manifest, BundleLayout.checksums, BundleLayout.signature] {
            do {
                guard let entry = try reader.next() else { throw BundleHeaderError.missing(expected: name, found: nil) }
                guard entry.path == name, entry.kind == .regular else {
                    throw BundleHeaderError.missing(expected: name, found: entry.path)
                }
                guard entry.size <= BundleLayout.maximumHeaderMemberSize else {
                    throw BundleHeaderError.tooLarge(member: name, size: entry.size)
                }
                let data = try readAll(reader, size: entry.size, member: name)
                switch name {
                case BundleLayout.manifest: header.manifest = data
                case BundleLayout.checksums: header.checksums = data
                default: header.signature = data
                }
            } catch let error as BundleHeaderError {
                throw error
            } catch {
                throw .unreadable(member: name, cause: error)
            }
        }
        return header
    }

    private static func readAll(_ reader: PaxReader, size: Int64, member: String) throws -> Data {
        var data = Data(count: Int(size))
        var filled = 0
        try data.withUnsafeMutableBytes { buffer in
            while filled < buffer.count {
                let count = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                if count == 0 { break }
                filled += count
            }
        }
        guard filled == Int(size) else { throw BundleHeaderError.endsEarly(member: member) }
        return data
    }
}
