import Foundation
import Crypto

/// Incremental SHA-256 with the lowercase hex digest the bundle format uses.
struct SHA256Stream {
    private var hasher = SHA256()

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    func hex() -> String {
        Hex.encode(hasher.finalize())
    }

    static func hex<D: DataProtocol>(_ data: D) -> String {
        Hex.encode(SHA256.hash(data: data))
    }
}
