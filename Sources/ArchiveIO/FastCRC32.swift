internal import CFastCRC
internal import CZlib

/// zlib's CRC-32, folded 64 bytes a step with carry-less multiplication where the CPU has it
/// (`CFastCRC`: several times zlib's table-driven speed), zlib's own otherwise and for the
/// last bytes. A verify takes the CRC-32 of every compressed and every plain byte, so this
/// was a tenth of its CPU time.
enum FastCRC32 {
    /// `crc` (zlib's convention: 0 to start) continued over `bytes`.
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        var value = crc
        var done = 0
        var folded: (UInt64, UInt64) = (0, 0)
        let consumed = withUnsafeMutableBytes(of: &folded) {
            bundle_crc32_fold(crc, base, bytes.count, $0.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        if consumed > 0 {
            // The folded 16 bytes' CRC from state 0, which zlib starts from with ~0.
            value = withUnsafeBytes(of: &folded) {
                UInt32(truncatingIfNeeded: crc32(0xffff_ffff, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), 16))
            }
            done = consumed
        }
        while done < bytes.count {
            let step = min(bytes.count - done, 1 << 30)
            value = UInt32(truncatingIfNeeded: crc32(uLong(value), (base + done).assumingMemoryBound(to: Bytef.self), uInt(step)))
            done += step
        }
        return value
    }
}
