import Foundation
import Testing

@testable import BundleCrypto

/// Feeds `bytes` to `write` in pieces whose sizes cycle through `sizes`.
func ageFeed(_ bytes: [UInt8], sizes: [Int], to write: (UnsafeRawBufferPointer) throws -> Void)
    throws
{
    var offset = 0
    var turn = 0
    try bytes.withUnsafeBytes { all in
        while offset < all.count {
            let size = min(sizes[turn % sizes.count], all.count - offset)
            try write(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + size)]))
            offset += size
            turn += 1
        }
    }
}

/// Encrypts in pieces of `sizes` through the streaming API.
func ageEncryptStreaming(_ plaintext: [UInt8], to lock: AgeLock, sizes: [Int]) throws -> [UInt8] {
    var out: [UInt8] = []
    let encryptor = try AgeEncryptor(to: lock) { out.append(contentsOf: $0) }
    try ageFeed(plaintext, sizes: sizes, to: encryptor.write)
    try encryptor.finish()
    return out
}

/// Decrypts in pieces of `sizes` through the streaming API.
func ageDecryptStreaming(
    _ ciphertext: [UInt8], unlock: AgeUnlock, sizes: [Int], maxWorkFactor: Int? = nil
) throws -> [UInt8] {
    var out: [UInt8] = []
    let decryptor = AgeDecryptor(unlock: unlock) { out.append(contentsOf: $0) }
    if let maxWorkFactor { decryptor.maxWorkFactor = maxWorkFactor }
    try ageFeed(ciphertext, sizes: sizes, to: decryptor.write)
    try decryptor.finish()
    return out
}

/// Deterministic, non-repeating test data.
func agePattern(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

extension AgeError {
    var isTruncated: Bool { if case .truncated = self { true } else { false } }
    var isMalformedHeader: Bool { if case .malformedHeader = self { true } else { false } }
    var isNonCanonical: Bool { if case .nonCanonicalBase64 = self { true } else { false } }
}

/// Expects `body` to throw an `AgeError` that satisfies `check`, and returns it.
@discardableResult
func expectAgeError(
    _ check: (AgeError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> AgeError? {
    do {
        try body()
        Issue.record("expected an AgeError, got success", sourceLocation: sourceLocation)
    } catch let error as AgeError {
        #expect(check(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected an AgeError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The payload chunk size, 64 KiB.
let ageChunk = 64 * 1024
