import Foundation

/// `SHA256SUMS` in the BSD form that GNU `sha256sum -c` and OpenBSD `signify -C` both read:
/// one `SHA256 (member) = hex` line per member, in bundle order.
public struct ChecksumList: Sendable, Equatable {
    /// Member and lowercase hex digest, in file order.
    public private(set) var lines: [(member: String, sha256: String)]
    /// Member -> digest (the first line for a member), so a lookup is O(1) even for 50,000
    /// members.
    private let index: [String: String]

    /// Makes a list in the given order.
    public init(_ lines: [(member: String, sha256: String)]) {
        self.lines = lines
        index = Dictionary(lines.map { ($0.member, $0.sha256) }) { first, _ in first }
    }

    /// The digest recorded for `member`, if any.
    public subscript(member: String) -> String? {
        index[member]
    }

    /// The file's text.
    public func rendered() -> String {
        lines.map { Self.line(member: $0.member, sha256: $0.sha256) }.joined()
    }

    /// One line of the file, with its newline.
    public static func line(member: String, sha256: String) -> String {
        "SHA256 (\(member)) = \(sha256)\n"
    }

    /// Parses the file, strictly: any other line shape is an error.
    public static func parse(_ text: String) throws(ManifestError) -> ChecksumList {
        try parse(Data(text.utf8))
    }

    /// Parses the file's bytes, strictly: each line is `SHA256 (`, a member of at least one
    /// UTF-8 character, `) = ` and 64 lowercase hex digits, then a line feed (optional on the
    /// last line). Read in place: no copy of the text, no list of its lines.
    public static func parse(_ data: Data) throws(ManifestError) -> ChecksumList {
        let prefix = Array("SHA256 (".utf8), separator = Array(") = ".utf8)
        let result = data.withUnsafeBytes { bytes -> Result<ChecksumList, ManifestError> in
            var lines: [(member: String, sha256: String)] = []
            var index: [String: String] = [:]
            var start = 0
            var number = 0
            while start < bytes.count {
                number += 1
                let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                let count = line.count
                let digestStart = count - 64, separatorStart = count - 68
                guard separatorStart > prefix.count, line.starts(with: prefix),
                    line[separatorStart..<digestStart].elementsEqual(separator),
                    let member = String(validating: line[prefix.count..<separatorStart], as: UTF8.self),
                    case let digest = String(decoding: line[digestStart...], as: UTF8.self), Hex.isSHA256(digest)
                else {
                    return .failure(.malformedChecksumLine(line: number, text: String(decoding: line, as: UTF8.self)))
                }
                guard index.updateValue(digest, forKey: member) == nil else { return .failure(.duplicateChecksum(member: member)) }
                lines.append((member, digest))
            }
            return .success(ChecksumList(lines: lines, index: index))
        }
        return try result.get()
    }

    private init(lines: [(member: String, sha256: String)], index: [String: String]) {
        self.lines = lines
        self.index = index
    }

    /// Tuples are not Equatable; compare line by line.
    public static func == (lhs: ChecksumList, rhs: ChecksumList) -> Bool {
        lhs.lines.elementsEqual(rhs.lines) { $0.member == $1.member && $0.sha256 == $1.sha256 }
    }
}
