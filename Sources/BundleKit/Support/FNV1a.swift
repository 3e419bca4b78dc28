/// FNV-1a, 64 bits: the hash of the open-addressing tables that find a member's line or entry
/// by its UTF-8 bytes (`ChecksumList`, `MemberIndex`).
enum FNV1a {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: value)
    }
}
