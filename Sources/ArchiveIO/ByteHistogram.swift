/// Tells, from the distribution of its byte values, whether a block is not worth deflating.
///
/// Deflate spends as much time on random or already-compressed bytes (certificates in PKCS#12,
/// zipped logs, encrypted blobs) as on text, only to emit them as stored blocks: zlib level 6
/// manages about 37 MiB/s on random data on one core here. A byte histogram costs a small
/// fraction of that. When the bytes are spread so evenly that their order-0 entropy lies
/// within `maximumDeficit` bits of 8 per byte, Huffman coding could save at most that much
/// (under 1%), and the block is stored instead; what the histogram cannot see is repetition
/// (the same random run twice in one block), which such data rarely has.
///
/// The test is the chi-square distance from the uniform distribution, which for nearly
/// uniform data is `2 n ln 2` times the entropy deficit, so no logarithm is needed. A sample
/// at the start of the block is tested first, so that text, the usual case, costs only its
/// histogram.
struct ByteHistogram {
    /// At most this many bits per byte below 8: 0.05 bits, under 0.7% that coding could gain.
    static let maximumDeficit = 0.05
    /// What is looked at before the whole block.
    static let sampleSize = 16 * 1024
    /// Below this, a block is always compressed (the header's few bytes are not worth a guess).
    static let minimumSize = 4 * 1024

    /// Whether `bytes` look random enough to be stored rather than deflated.
    static func looksIncompressible(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= minimumSize else { return false }
        let sample = UnsafeRawBufferPointer(rebasing: bytes[..<min(bytes.count, sampleSize)])
        guard isNearlyUniform(sample) else { return false }
        return sample.count == bytes.count || isNearlyUniform(bytes)
    }

    /// The chi-square test against `maximumDeficit`.
    static func isNearlyUniform(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = Double(bytes.count)
        let expected = n / 256
        var chiSquare = 0.0
        counts(bytes) { count in
            let d = Double(count) - expected
            chiSquare += d * d
        }
        chiSquare /= expected
        // deficit ≈ chiSquare / (2 n ln 2)
        return chiSquare <= Self.maximumDeficit * 2 * n * 0.6931471805599453
    }

    /// Counts each byte value of `bytes` and hands the 256 counts to `body`. Four tables,
    /// filled in turn, keep consecutive equal bytes from waiting on one counter.
    private static func counts(_ bytes: UnsafeRawBufferPointer, _ body: (UInt32) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 1024) { tables in
            tables.initialize(repeating: 0)
            let count = bytes.count
            var i = 0
            while i + 4 <= count {
                tables[Int(bytes[i])] &+= 1
                tables[256 + Int(bytes[i + 1])] &+= 1
                tables[512 + Int(bytes[i + 2])] &+= 1
                tables[768 + Int(bytes[i + 3])] &+= 1
                i += 4
            }
            while i < count {
                tables[Int(bytes[i])] &+= 1
                i += 1
            }
            for value in 0..<256 {
                body(tables[value] &+ tables[256 + value] &+ tables[512 + value] &+ tables[768 + value])
            }
        }
    }
}
