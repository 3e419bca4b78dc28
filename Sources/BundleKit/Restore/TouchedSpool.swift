import Foundation
import SystemPackage

/// A restore journal's `touched` list kept on disk instead of in memory: the JSON array as
/// the journal carries it (`RestoreJournal.TouchedPath.encoded`), written once by the
/// safeguard step into `STATE/restore-journal.json.touched`, then copied into every later
/// journal save and into the safeguard's index. A restore of 100,000 paths would otherwise
/// keep each path with its original for the whole run. The file needs no sync of its own:
/// what counts is the journal written from it, which is synced. `RestoreJournal.remove`
/// removes it with the journal.
struct TouchedSpool {
    /// The file.
    let path: String
    private let output: FileDescriptor
    private var buffer = Data()
    private var count = 0

    /// The spool of the journal in `stateDirectory`.
    static func path(in stateDirectory: String) -> String {
        RestoreJournal.path(in: stateDirectory) + ".touched"
    }

    /// Starts the list afresh at `path` (0600).
    init(path: String) throws {
        self.path = path
        LocalFileSystem.remove(path)
        output = try LocalFileSystem.createExclusive(path, permissions: .ownerOnly)
        buffer.append(UInt8(ascii: "["))
    }

    /// Adds one path, after those added before.
    mutating func append(_ item: RestoreJournal.TouchedPath) throws {
        if count > 0 { buffer.append(UInt8(ascii: ",")) }
        count += 1
        item.append(to: &buffer)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Ends the list and closes the file.
    mutating func finish() throws {
        buffer.append(UInt8(ascii: "]"))
        try flush()
        try? output.close()
    }

    /// Closes the file after a failure and removes it.
    func abandon() {
        try? output.close()
        LocalFileSystem.remove(path)
    }

    private mutating func flush() throws {
        try buffer.withUnsafeBytes { try LocalFileSystem.writeAll(output, $0, path: path) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Hands the list at `path` to `write` in pieces.
    static func copy(_ path: String, to write: (UnsafeRawBufferPointer) throws -> Void) throws {
        let input = try LocalFileSystem.openForReading(path)
        defer { try? input.close() }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try LocalFileSystem.readFully(input, into: chunk, path: path)
            if count == 0 { break }
            try write(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
            if count < chunk.count { break }
        }
    }

    /// The list at `path`, read back (a rollback in the restoring process needs it whole).
    static func read(_ path: String) throws -> [RestoreJournal.TouchedPath] {
        try JSONDecoder().decode([RestoreJournal.TouchedPath].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
