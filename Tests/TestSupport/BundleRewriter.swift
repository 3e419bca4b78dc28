import ArchiveIO
import Foundation

/// Takes a bundle apart into its members and writes it back, changed: what tamper tests use
/// to break exactly one thing.
public struct BundleRewriter {
    /// One member: its header and bytes.
    public struct Member {
        public var header: EntryHeader
        public var data: Data

        public init(header: EntryHeader, data: Data) {
            self.header = header
            self.data = data
        }
    }

    /// The members, in archive order.
    public var members: [Member]

    /// Reads every member of `path`.
    public init(_ path: URL) throws {
        let reader = try PaxReader(path: path.path)
        members = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while let header = try reader.next() {
            var data = Data()
            while true {
                let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                if count == 0 { break }
                data.append(contentsOf: buffer[..<count])
            }
            members.append(Member(header: header, data: data))
        }
    }

    /// Index of the member named `path`.
    public func index(of path: String) -> Int? {
        members.firstIndex { $0.header.path == path }
    }

    /// Writes the members to `path` as one stream, with the headers' sizes matching the data.
    public func write(to path: URL, compression: Compression = .none) throws {
        var output = Data()
        let writer = try PaxWriter(compression: compression) { output.append(contentsOf: $0) }
        for member in members {
            var header = member.header
            header.size = Int64(member.data.count)
            try writer.begin(header)
            try member.data.withUnsafeBytes { try writer.write($0) }
            try writer.end()
        }
        try writer.finish()
        try output.write(to: path)
    }
}
