import Foundation

extension Manifest {
    /// `encodedAroundEntries()`, byte for byte, with the folders encoded one at a time: the
    /// encoder builds a tree of the whole value before writing it, which for 10,000 folders
    /// took 11 MB at the end of a capture, more than the rest of its memory grew by.
    func encodedAroundEntriesFolderByFolder() throws -> (head: Data, tail: Data) {
        guard let folders, !folders.isEmpty else { return try encodedAroundEntries() }
        var shell = self
        shell.folders = []
        let (head, tail) = try shell.encodedAroundEntries()
        // `"folders"` comes after `"entries"` (keys are sorted), at the top level: after a
        // newline and two spaces, which no string value holds unescaped. Its empty array
        // ends at the next `]`.
        let key = Data("\n  \"folders\" : [".utf8)
        guard let found = tail.range(of: key), let close = tail[found.upperBound...].firstIndex(of: UInt8(ascii: "]")) else {
            throw EncodingError.invalidValue(folders, .init(codingPath: [], debugDescription: "no folders array in the encoded manifest"))
        }
        var spliced = Data(tail[..<found.upperBound])
        let encoder = Self.encoder()
        for (position, folder) in folders.enumerated() {
            spliced.append(try Self.indentedEntry(folder, first: position == 0, encoder: encoder))
        }
        spliced.append(contentsOf: Self.entriesEnd.utf8)
        spliced.append(tail[(close + 1)...])
        return (head, spliced)
    }
}
