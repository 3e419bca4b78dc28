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
        var lines: [(member: String, sha256: String)] = []
        var seen = Set<String>()
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        if rows.last?.isEmpty == true { rows.removeLast() }
        for (index, raw) in rows.enumerated() {
            let line = String(raw)
            guard line.hasPrefix("SHA256 ("), let close = line.range(of: ") = ", options: .backwards) else {
                throw .malformedChecksumLine(line: index + 1, text: line)
            }
            let member = String(line[line.index(line.startIndex, offsetBy: 8)..<close.lowerBound])
            let digest = String(line[close.upperBound...])
            guard !member.isEmpty, Hex.isSHA256(digest) else {
                throw .malformedChecksumLine(line: index + 1, text: line)
            }
            guard seen.insert(member).inserted else { throw .duplicateChecksum(member: member) }
            lines.append((member, digest))
        }
        return ChecksumList(lines)
    }

    /// Tuples are not Equatable; compare line by line.
    public static func == (lhs: ChecksumList, rhs: ChecksumList) -> Bool {
        lhs.lines.elementsEqual(rhs.lines) { $0.member == $1.member && $0.sha256 == $1.sha256 }
    }
}
