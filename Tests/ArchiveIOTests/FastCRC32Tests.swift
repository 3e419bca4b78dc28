@testable import ArchiveIO
import TestSupport
import Testing

/// The folded CRC-32 against the definition, bit by bit, at every length and alignment around
/// the 16- and 64-byte steps, and from any starting CRC.
@Suite("FastCRC32")
struct FastCRC32Tests {
    /// CRC-32 (reflected 0xEDB88320, zlib's convention) one bit at a time.
    static func reference(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        var value = ~crc
        for byte in bytes {
            value ^= UInt32(byte)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        }
        return ~value
    }

    static func fast(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { FastCRC32.update(crc, $0) }
    }

    @Test("the check value of \"123456789\" is cbf43926")
    func checkValue() {
        #expect(Self.fast(0, Array("123456789".utf8)[...]) == 0xCBF4_3926)
        #expect(Self.fast(0, Array(repeating: 0x61, count: 1000)[...]) == Self.reference(0, Array(repeating: 0x61, count: 1000)[...]))
    }

    @Test("every length to 300 bytes and around the steps, at every alignment, from any CRC")
    func lengths() {
        var random = SeededBytes(seed: 18)
        let data = random.bytes(5000)
        let lengths = Array(0...300) + [1023, 1024, 1025, 4095, 4096, 4097, 4999]
        for length in lengths {
            for start in [0, 1, 3, 8, 15] where start + length <= data.count {
                let slice = data[start..<start + length]
                let crc = UInt32(truncatingIfNeeded: length &* 2_654_435_761)
                #expect(Self.fast(0, slice) == Self.reference(0, slice), "length \(length) at \(start)")
                #expect(Self.fast(crc, slice) == Self.reference(crc, slice), "length \(length) at \(start) from \(crc)")
            }
        }
    }

    @Test("a CRC continued piece by piece is the CRC of the whole")
    func pieces() {
        var random = SeededBytes(seed: 7)
        let data = random.bytes(1 << 20)
        let whole = Self.fast(0, data[...])
        var crc: UInt32 = 0
        var at = 0
        for step in [1, 63, 64, 65, 4096, 100_000, 17] where at < data.count {
            let end = min(data.count, at + step)
            crc = Self.fast(crc, data[at..<end])
            at = end
        }
        crc = Self.fast(crc, data[at...])
        #expect(crc == whole)
        #expect(whole == Self.reference(0, data[...]))
    }
}
