import Foundation

/// The bytes of one header member (MANIFEST.json, SHA256SUMS, the signature): their size, known
/// before the tar header is written, and a function that passes them on in order, either from
/// memory (`init(_:)`) or piece by piece from wherever they wait (`init(size:write:)`, e.g.
/// scratch files), so a large manifest never has to be held whole.
struct HeaderContent {
    /// How many bytes `write` gives.
    let size: Int64
    /// Gives the bytes, in order, to its argument.
    let write: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void

    /// Bytes held in memory.
    init(_ data: Data) {
        size = Int64(data.count)
        write = { output in try data.withUnsafeBytes { try output($0) } }
    }

    /// `size` bytes that `write` produces.
    init(size: Int64, write: @escaping ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) {
        self.size = size
        self.write = write
    }
}
