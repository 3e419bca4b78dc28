import ArchiveIO
import BundleCrypto
import BundleKit
import Crypto
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

    /// Writes the members to `path` as bundle's writer lays them out, with the headers' sizes
    /// matching the data: the three header members as one stream, then (compressed) the padding
    /// with its check, then the payload stream; so that verify finds only the change made.
    public func write(to path: URL, compression: Compression = .none) throws {
        // Payload headers as capture writes them from the manifest's entries (mode, or 0600
        // when encrypted; mtime), where the entry says so, so that only the lie shows.
        let entries = Dictionary(((try? manifest())?.entries ?? []).map { ($0.member, $0) }, uniquingKeysWith: { first, _ in first })
        func stream(_ members: ArraySlice<Member>, endOfArchive: Bool) throws -> [UInt8] {
            var output: [UInt8] = []
            let writer = try PaxWriter(compression: compression) { output.append(contentsOf: $0) }
            for member in members {
                var header = member.header
                header.size = Int64(member.data.count)
                if let entry = entries[header.path], let permissions = entry.permissions {
                    header.permissions = entry.encrypted ? 0o600 : permissions
                    header.mtimeSeconds = entry.mtime
                    header.mtimeNanoseconds = entry.mtimeNanoseconds
                }
                try writer.begin(header)
                try member.data.withUnsafeBytes { try writer.write($0) }
                try writer.end()
            }
            try writer.finish(endOfArchive: endOfArchive)
            return output
        }
        let names = [BundleLayout.manifest, BundleLayout.checksums, BundleLayout.signature]
        let split = members.count >= 3 && Array(members.prefix(3).map(\.header.path)) == names ? 3 : 0
        let front = split > 0 ? try stream(members[..<split], endOfArchive: false) : []
        let back = try stream(members[split...], endOfArchive: true)
        var padding: [UInt8] = []
        if split > 0, let count = StreamPadding.count(after: Int64(front.count), for: compression) {
            var crc = CRC32()
            front.withUnsafeBytes { crc.update($0) }
            var rest = CRC32()
            back.withUnsafeBytes { rest.update($0) }
            padding = StreamPadding.bytes(count, for: compression, check: crc.followed(by: rest).check) ?? []
        }
        try Data(front + padding + back).write(to: path)
    }

    /// The manifest as the bundle carries it.
    public func manifest() throws -> Manifest {
        guard let index = index(of: BundleLayout.manifest) else { throw CocoaError(.fileReadCorruptFile) }
        return try Manifest.decode(members[index].data)
    }

    /// A *signed* lie: `edit` changes the manifest, then the header is made again the way
    /// capture makes it (`Manifest.encoded()`, a `SHA256SUMS` line for the manifest and for each
    /// regular entry with the digest it records, in member order, signed by `key` with the
    /// manifest's trusted comment). Payload members are left as they are (change `members`
    /// first to add or replace some). What verify then reports is about the lie, not the
    /// signature, and stays so as the format evolves, since the format's own code writes it.
    /// `encode` gives the manifest's text (a writer's own, by default).
    public mutating func resign(
        with key: MinisignSecretKey, encode: (Manifest) throws -> Data = { try $0.encoded() }, _ edit: (inout Manifest) throws -> Void
    ) throws {
        var manifest = try manifest()
        try edit(&manifest)
        let text = try encode(manifest)
        var lines = [(member: BundleLayout.manifest, sha256: Self.hex(text))]
        for entry in manifest.entries.sorted(by: { BundleLayout.precedes($0.member, $1.member) }) where entry.link == nil {
            lines.append((entry.member, entry.sha256))
        }
        let sums = Data(ChecksumList(lines).rendered().utf8)
        let signature = key.sign(
            sums, trustedComment: manifest.trustedComment, untrustedComment: "signature from bundle secret key \(key.publicKey.keyIDHex)")
        for (name, data) in [(BundleLayout.manifest, text), (BundleLayout.checksums, sums), (BundleLayout.signature, Data(signature.fileContents().utf8))] {
            guard let index = index(of: name) else { throw CocoaError(.fileReadCorruptFile) }
            members[index].data = data
        }
    }

    /// Adds (or replaces) the payload member `path` holding `data`, keeping the members sorted
    /// as the format requires; returns its SHA-256 for the manifest entry.
    @discardableResult
    public mutating func put(_ path: String, _ data: Data, mode: UInt32 = 0o644) -> String {
        if let index = index(of: path) { members.remove(at: index) }
        let header = EntryHeader(path: path, size: Int64(data.count))
        let payload = members.firstIndex { $0.header.path.hasPrefix(BundleLayout.payloadPrefix) && BundleLayout.precedes(path, $0.header.path) }
        members.insert(Member(header: header, data: data), at: payload ?? members.count)
        return Self.hex(data)
    }

    static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
