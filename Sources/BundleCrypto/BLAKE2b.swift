import Foundation

/// BLAKE2b, the hash of RFC 7693, with an output of 1 to 64 bytes and an optional key.
///
/// minisign signs the BLAKE2b-512 of a file and checks secret keys with BLAKE2b-256; swift-crypto
/// has no BLAKE2, so this is a plain, portable implementation. Feed it in pieces with `update`,
/// then read the digest with `finalize`.
public struct BLAKE2b: Sendable {
    /// The chaining value and the byte counter: what `compress` changes.
    private var state: State
    /// Input not yet compressed. It always keeps the most recent block back (1...128 bytes once
    /// anything has arrived), because only the last block is compressed with the final flag and
    /// `update` cannot know which block will be the last.
    private var buffer = [UInt8](repeating: 0, count: BLAKE2b.blockSize)
    /// How many bytes of `buffer` hold input.
    private var buffered = 0
    /// The digest length chosen at `init`.
    private let outputByteCount: Int

    /// The block size of BLAKE2b, in bytes.
    private static let blockSize = 128

    /// Starts a hash of `outputByteCount` bytes (1...64), keyed with `key` (0...64 bytes) when it is
    /// not empty.
    ///
    /// Lengths outside those ranges are a programming error and stop the program.
    public init(outputByteCount: Int = 64, key: [UInt8] = []) {
        precondition((1...64).contains(outputByteCount), "BLAKE2b output must be 1...64 bytes")
        precondition(key.count <= 64, "BLAKE2b key must be at most 64 bytes")
        self.outputByteCount = outputByteCount
        // The parameter block of RFC 7693 section 2.5, reduced to its first word: digest length,
        // key length, fanout 1 and depth 1 (sequential mode).
        state = State(parameter: 0x0101_0000 ^ (UInt64(key.count) << 8) ^ UInt64(outputByteCount))
        if !key.isEmpty {
            // A key is hashed as a whole first block, zero-padded.
            buffer.replaceSubrange(0..<key.count, with: key)
            buffered = BLAKE2b.blockSize
        }
    }

    /// Adds the bytes at `bytes` to the input.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        let blockSize = BLAKE2b.blockSize
        if buffered > 0 {
            let take = min(blockSize - buffered, remaining)
            if take > 0 {
                buffer.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: buffered).copyMemory(from: next, byteCount: take) }
                buffered += take
                next += take
                remaining -= take
            }
            // A full buffer is compressed only when more input proves it was not the last block.
            guard remaining > 0 else { return }
            buffer.withUnsafeBytes { state.compress($0.baseAddress!, byteCount: blockSize, last: false) }
            buffered = 0
        }
        // Whole blocks go straight from the caller's memory, keeping the last one back.
        while remaining > blockSize {
            state.compress(next, byteCount: blockSize, last: false)
            next += blockSize
            remaining -= blockSize
        }
        buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: next, byteCount: remaining) }
        buffered = remaining
    }

    /// Adds `data` to the input, region by region, without copying it first.
    public mutating func update<D: DataProtocol>(_ data: D) {
        for region in data.regions {
            region.withUnsafeBytes { update($0) }
        }
    }

    /// The digest of everything added so far. The hash itself is left as it was, so more input may
    /// follow.
    public func finalize() -> [UInt8] {
        var state = self.state
        var last = buffer
        for index in buffered..<BLAKE2b.blockSize { last[index] = 0 }
        last.withUnsafeBytes { state.compress($0.baseAddress!, byteCount: buffered, last: true) }
        return state.digest(byteCount: outputByteCount)
    }

    /// The unkeyed BLAKE2b digest of `data`, `outputByteCount` (1...64) bytes long.
    public static func hash<D: DataProtocol>(_ data: D, outputByteCount: Int = 64) -> [UInt8] {
        var hasher = BLAKE2b(outputByteCount: outputByteCount)
        hasher.update(data)
        return hasher.finalize()
    }
}

extension BLAKE2b {
    /// The eight chaining words and the 128-bit count of bytes hashed so far.
    ///
    /// Kept apart from the buffer so that a block can be compressed while the buffer is borrowed.
    fileprivate struct State: Sendable {
        var h0: UInt64 = 0x6a09_e667_f3bc_c908
        var h1: UInt64 = 0xbb67_ae85_84ca_a73b
        var h2: UInt64 = 0x3c6e_f372_fe94_f82b
        var h3: UInt64 = 0xa54f_f53a_5f1d_36f1
        var h4: UInt64 = 0x510e_527f_ade6_82d1
        var h5: UInt64 = 0x9b05_688c_2b3e_6c1f
        var h6: UInt64 = 0x1f83_d9ab_fb41_bd6b
        var h7: UInt64 = 0x5be0_cd19_137e_2179
        var countLow: UInt64 = 0
        var countHigh: UInt64 = 0

        init(parameter: UInt64) {
            h0 ^= parameter
        }

        /// The first `byteCount` bytes of the chaining value, little-endian.
        func digest(byteCount: Int) -> [UInt8] {
            var bytes = [UInt8]()
            bytes.reserveCapacity(64)
            for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
                withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
            }
            return Array(bytes.prefix(byteCount))
        }

        /// The compression function F of RFC 7693 section 3.2, on the 128 bytes at `block`, of which
        /// `byteCount` are input (fewer only in a zero-padded last block).
        ///
        /// Written out in full, with the message schedule as literal indices, because this is where
        /// all the time goes: locals stay in registers and no table is consulted.
        @inline(__always)
        mutating func compress(_ block: UnsafeRawPointer, byteCount: Int, last: Bool) {
            let (low, overflow) = countLow.addingReportingOverflow(UInt64(byteCount))
            countLow = low
            if overflow { countHigh &+= 1 }

            @inline(__always) func word(_ index: Int) -> UInt64 {
                UInt64(littleEndian: block.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self))
            }
            let m0 = word(0), m1 = word(1), m2 = word(2), m3 = word(3)
            let m4 = word(4), m5 = word(5), m6 = word(6), m7 = word(7)
            let m8 = word(8), m9 = word(9), m10 = word(10), m11 = word(11)
            let m12 = word(12), m13 = word(13), m14 = word(14), m15 = word(15)

            var v0 = h0, v1 = h1, v2 = h2, v3 = h3, v4 = h4, v5 = h5, v6 = h6, v7 = h7
            var v8: UInt64 = 0x6a09_e667_f3bc_c908, v9: UInt64 = 0xbb67_ae85_84ca_a73b
            var v10: UInt64 = 0x3c6e_f372_fe94_f82b, v11: UInt64 = 0xa54f_f53a_5f1d_36f1
            var v12: UInt64 = 0x510e_527f_ade6_82d1 ^ countLow
            var v13: UInt64 = 0x9b05_688c_2b3e_6c1f ^ countHigh
            var v14: UInt64 = 0x1f83_d9ab_fb41_bd6b ^ (last ? ~0 : 0)
            var v15: UInt64 = 0x5be0_cd19_137e_2179

            // Round 0
            mix(&v0, &v4, &v8, &v12, m0, m1)
            mix(&v1, &v5, &v9, &v13, m2, m3)
            mix(&v2, &v6, &v10, &v14, m4, m5)
            mix(&v3, &v7, &v11, &v15, m6, m7)
            mix(&v0, &v5, &v10, &v15, m8, m9)
            mix(&v1, &v6, &v11, &v12, m10, m11)
            mix(&v2, &v7, &v8, &v13, m12, m13)
            mix(&v3, &v4, &v9, &v14, m14, m15)
            // Round 1
            mix(&v0, &v4, &v8, &v12, m14, m10)
            mix(&v1, &v5, &v9, &v13, m4, m8)
            mix(&v2, &v6, &v10, &v14, m9, m15)
            mix(&v3, &v7, &v11, &v15, m13, m6)
            mix(&v0, &v5, &v10, &v15, m1, m12)
            mix(&v1, &v6, &v11, &v12, m0, m2)
            mix(&v2, &v7, &v8, &v13, m11, m7)
            mix(&v3, &v4, &v9, &v14, m5, m3)
            // Round 2
            mix(&v0, &v4, &v8, &v12, m11, m8)
            mix(&v1, &v5, &v9, &v13, m12, m0)
            mix(&v2, &v6, &v10, &v14, m5, m2)
            mix(&v3, &v7, &v11, &v15, m15, m13)
            mix(&v0, &v5, &v10, &v15, m10, m14)
            mix(&v1, &v6, &v11, &v12, m3, m6)
            mix(&v2, &v7, &v8, &v13, m7, m1)
            mix(&v3, &v4, &v9, &v14, m9, m4)
            // Round 3
            mix(&v0, &v4, &v8, &v12, m7, m9)
            mix(&v1, &v5, &v9, &v13, m3, m1)
            mix(&v2, &v6, &v10, &v14, m13, m12)
            mix(&v3, &v7, &v11, &v15, m11, m14)
            mix(&v0, &v5, &v10, &v15, m2, m6)
            mix(&v1, &v6, &v11, &v12, m5, m10)
            mix(&v2, &v7, &v8, &v13, m4, m0)
            mix(&v3, &v4, &v9, &v14, m15, m8)
            // Round 4
            mix(&v0, &v4, &v8, &v12, m9, m0)
            mix(&v1, &v5, &v9, &v13, m5, m7)
            mix(&v2, &v6, &v10, &v14, m2, m4)
            mix(&v3, &v7, &v11, &v15, m10, m15)
            mix(&v0, &v5, &v10, &v15, m14, m1)
            mix(&v1, &v6, &v11, &v12, m11, m12)
            mix(&v2, &v7, &v8, &v13, m6, m8)
            mix(&v3, &v4, &v9, &v14, m3, m13)
            // Round 5
            mix(&v0, &v4, &v8, &v12, m2, m12)
            mix(&v1, &v5, &v9, &v13, m6, m10)
            mix(&v2, &v6, &v10, &v14, m0, m11)
            mix(&v3, &v7, &v11, &v15, m8, m3)
            mix(&v0, &v5, &v10, &v15, m4, m13)
            mix(&v1, &v6, &v11, &v12, m7, m5)
            mix(&v2, &v7, &v8, &v13, m15, m14)
            mix(&v3, &v4, &v9, &v14, m1, m9)
            // Round 6
            mix(&v0, &v4, &v8, &v12, m12, m5)
            mix(&v1, &v5, &v9, &v13, m1, m15)
            mix(&v2, &v6, &v10, &v14, m14, m13)
            mix(&v3, &v7, &v11, &v15, m4, m10)
            mix(&v0, &v5, &v10, &v15, m0, m7)
            mix(&v1, &v6, &v11, &v12, m6, m3)
            mix(&v2, &v7, &v8, &v13, m9, m2)
            mix(&v3, &v4, &v9, &v14, m8, m11)
            // Round 7
            mix(&v0, &v4, &v8, &v12, m13, m11)
            mix(&v1, &v5, &v9, &v13, m7, m14)
            mix(&v2, &v6, &v10, &v14, m12, m1)
            mix(&v3, &v7, &v11, &v15, m3, m9)
            mix(&v0, &v5, &v10, &v15, m5, m0)
            mix(&v1, &v6, &v11, &v12, m15, m4)
            mix(&v2, &v7, &v8, &v13, m8, m6)
            mix(&v3, &v4, &v9, &v14, m2, m10)
            // Round 8
            mix(&v0, &v4, &v8, &v12, m6, m15)
            mix(&v1, &v5, &v9, &v13, m14, m9)
            mix(&v2, &v6, &v10, &v14, m11, m3)
            mix(&v3, &v7, &v11, &v15, m0, m8)
            mix(&v0, &v5, &v10, &v15, m12, m2)
            mix(&v1, &v6, &v11, &v12, m13, m7)
            mix(&v2, &v7, &v8, &v13, m1, m4)
            mix(&v3, &v4, &v9, &v14, m10, m5)
            // Round 9
            mix(&v0, &v4, &v8, &v12, m10, m2)
            mix(&v1, &v5, &v9, &v13, m8, m4)
            mix(&v2, &v6, &v10, &v14, m7, m6)
            mix(&v3, &v7, &v11, &v15, m1, m5)
            mix(&v0, &v5, &v10, &v15, m15, m11)
            mix(&v1, &v6, &v11, &v12, m9, m14)
            mix(&v2, &v7, &v8, &v13, m3, m12)
            mix(&v3, &v4, &v9, &v14, m13, m0)
            // Round 10
            mix(&v0, &v4, &v8, &v12, m0, m1)
            mix(&v1, &v5, &v9, &v13, m2, m3)
            mix(&v2, &v6, &v10, &v14, m4, m5)
            mix(&v3, &v7, &v11, &v15, m6, m7)
            mix(&v0, &v5, &v10, &v15, m8, m9)
            mix(&v1, &v6, &v11, &v12, m10, m11)
            mix(&v2, &v7, &v8, &v13, m12, m13)
            mix(&v3, &v4, &v9, &v14, m14, m15)
            // Round 11
            mix(&v0, &v4, &v8, &v12, m14, m10)
            mix(&v1, &v5, &v9, &v13, m4, m8)
            mix(&v2, &v6, &v10, &v14, m9, m15)
            mix(&v3, &v7, &v11, &v15, m13, m6)
            mix(&v0, &v5, &v10, &v15, m1, m12)
            mix(&v1, &v6, &v11, &v12, m0, m2)
            mix(&v2, &v7, &v8, &v13, m11, m7)
            mix(&v3, &v4, &v9, &v14, m5, m3)

            h0 ^= v0 ^ v8
            h1 ^= v1 ^ v9
            h2 ^= v2 ^ v10
            h3 ^= v3 ^ v11
            h4 ^= v4 ^ v12
            h5 ^= v5 ^ v13
            h6 ^= v6 ^ v14
            h7 ^= v7 ^ v15
        }
    }
}

/// The mixing function G of RFC 7693 section 3.1.
@inline(__always)
private func mix(
    _ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64, _ x: UInt64, _ y: UInt64
) {
    a = a &+ b &+ x
    d = rotateRight(d ^ a, 32)
    c = c &+ d
    b = rotateRight(b ^ c, 24)
    a = a &+ b &+ y
    d = rotateRight(d ^ a, 16)
    c = c &+ d
    b = rotateRight(b ^ c, 63)
}

/// A 64-bit right rotation; the masking shifts compile to a single instruction.
@inline(__always)
private func rotateRight(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value &>> count) | (value &<< (64 &- count))
}
