extension StreamPadding {
    /// What follows the header member or frame at `offset`.
    enum Match {
        /// No padding (writers before 2026-12-01), or the payload stream at once.
        case none
        /// The writer's padding, `count` bytes, with the check it carries (nil: an older
        /// writer's zeros).
        case padding(count: Int, check: Check?)
        /// Neither: the padding the writer would put here (`count` bytes) differs.
        case problem(FramingProblem, count: Int)
    }

    static func match(_ file: some PositionalBytes, at offset: Int64, for compression: Compression) -> Match {
        guard let count = count(after: offset, for: compression) else { return .none }
        let found = file.read(offset, count)
        // Zeros where the check goes: an older writer's (a check never counts 0 bytes).
        if let old = legacyCount(after: offset, for: compression), old > 0, let legacy = legacyBytes(old, for: compression),
            file.read(offset, old) == legacy
        {
            return .padding(count: old, check: nil)
        }
        if let check = check(in: found, for: compression), let expected = bytes(count, for: compression, check: check), found == expected {
            return .padding(count: count, check: check)
        }
        let magic: [UInt8] = compression == .gzip ? [0x1f, 0x8b, 8, 0] : [0x28, 0xB5, 0x2F, 0xFD]
        if found.count >= 4 && Array(found[0..<4]) == magic { return .none }
        let expected = bytes(count, for: compression, check: check(in: found, for: compression) ?? Check(crc: 0, length: 0)) ?? []
        let bad = Int64(firstDifference(found, expected))
        let what = compression == .gzip ? "an empty gzip member with a BP extra field" : "a skippable frame"
        return .problem(
            FramingProblem(range: offset + bad..<offset + Int64(count), reason: "the padding after the header stream is not the writer's (\(count) bytes: \(what) holding the check, then zeros)"),
            count: count)
    }
}
