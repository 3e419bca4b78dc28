/// The bits inside a compressed zstd block that decoders skip: the unused bits at the end of
/// an FSE table description (RFC 8878 §4.1.1: "any remaining bit within the last byte is just
/// unused"), the unused half byte of directly represented Huffman weights, and the reserved
/// bits of the symbol compression modes. libzstd writes them as zeros; a flip there would
/// decode to the same bytes, so they are checked here.
enum ZstdBlock {
    struct Problem {
        let range: Range<Int64>
        let reason: String
    }

    static func unusedBits(_ file: some PositionalBytes, at start: Int64, size: Int) -> Problem? {
        let head = file.read(start, min(size, 5))
        guard let first = head.first else { return nil }
        let literalsType = Int(first & 3)
        let sizeFormat = Int(first >> 2) & 3
        var literalsEnd: Int64
        switch literalsType {
        case 0, 1:
            let (headerSize, regenerated): (Int, Int) = switch sizeFormat {
            case 0, 2: (1, Int(first >> 3))
            case 1: (2, head.count >= 2 ? Int(first >> 4) + Int(head[1]) << 4 : 0)
            default: (3, head.count >= 3 ? Int(first >> 4) + Int(head[1]) << 4 + Int(head[2]) << 12 : 0)
            }
            literalsEnd = start + Int64(headerSize) + Int64(literalsType == 0 ? regenerated : 1)
        default:
            let headerSize = sizeFormat <= 1 ? 3 : sizeFormat == 2 ? 4 : 5
            guard head.count >= headerSize else { return nil }
            var value = 0
            for index in 0..<headerSize { value |= Int(head[index]) << (8 * index) }
            let bits = sizeFormat <= 1 ? 10 : sizeFormat == 2 ? 14 : 18
            let compressed = (value >> (4 + bits)) & ((1 << bits) - 1)
            literalsEnd = start + Int64(headerSize) + Int64(compressed)
            if literalsType == 2 {
                let treeStart = start + Int64(headerSize)
                guard let treeHeader = file.read(treeStart, 1).first else { return nil }
                if treeHeader >= 128 {
                    let weights = Int(treeHeader) - 127
                    if weights % 2 == 1, let last = file.read(treeStart + Int64((weights + 1) / 2), 1).first, last & 0x0F != 0 {
                        let at = treeStart + Int64((weights + 1) / 2)
                        return Problem(range: at..<at + 1, reason: "the unused half byte of the Huffman weights is not zero")
                    }
                } else if let problem = tableDescription(file, at: treeStart + 1, maximumLog: 6, maximumSymbol: 255) {
                    return problem
                }
            }
        }
        let blockEnd = start + Int64(size)
        guard literalsEnd < blockEnd else { return nil }
        // Sequences section header.
        let sequences = file.read(literalsEnd, 4)
        guard let count = sequences.first, count != 0 else { return nil }
        let countSize = count < 128 ? 1 : count < 255 ? 2 : 3
        guard sequences.count > countSize else { return nil }
        let modes = sequences[countSize]
        let modesAt = literalsEnd + Int64(countSize)
        if modes & 3 != 0 { return Problem(range: modesAt..<modesAt + 1, reason: "the reserved bits of the symbol compression modes are not zero") }
        var position = modesAt + 1
        // Literal lengths, offsets, match lengths, in this order.
        for (shift, maximumLog, maximumSymbol) in [(6, 9, 35), (4, 8, 31), (2, 9, 52)] {
            switch (Int(modes) >> shift) & 3 {
            case 1: position += 1
            case 2:
                guard let used = tableLength(file, at: position, maximumLog: maximumLog, maximumSymbol: maximumSymbol) else { return nil }
                if let problem = used.problem { return problem }
                position += Int64(used.bytes)
            default: break
            }
        }
        return nil
    }

    private static func tableDescription(_ file: some PositionalBytes, at start: Int64, maximumLog: Int, maximumSymbol: Int) -> Problem? {
        tableLength(file, at: start, maximumLog: maximumLog, maximumSymbol: maximumSymbol)?.problem
    }

    /// Reads an FSE table description (RFC 8878 §4.1.1) at `start`: how many bytes it takes,
    /// and a problem when the bits after its end in its last byte are not zero. Nil when it
    /// cannot be read (the decoder reports that).
    private static func tableLength(_ file: some PositionalBytes, at start: Int64, maximumLog: Int, maximumSymbol: Int) -> (bytes: Int, problem: Problem?)? {
        let bytes = file.read(start, 512)
        var bit = 0
        func read(_ count: Int) -> Int? {
            guard (bit + count + 7) / 8 <= bytes.count else { return nil }
            var value = 0
            for index in 0..<count {
                let at = bit + index
                value |= Int((bytes[at / 8] >> UInt8(at % 8)) & 1) << index
            }
            return value
        }
        func peek(_ count: Int) -> Int? {
            let value = read(count)
            return value
        }
        guard let low = read(4) else { return nil }
        bit += 4
        let accuracy = low + 5
        guard accuracy <= maximumLog else { return nil }
        var remaining = (1 << accuracy) + 1
        var threshold = 1 << accuracy
        var bits = accuracy + 1
        var symbol = 0
        var previousZero = false
        while remaining > 1 && symbol <= maximumSymbol {
            if previousZero {
                while true {
                    guard let repeatFlag = read(2) else { return nil }
                    bit += 2
                    symbol += repeatFlag
                    if repeatFlag != 3 { break }
                }
                if symbol > maximumSymbol { return nil }
            }
            let maximum = (2 * threshold - 1) - remaining
            guard let short = peek(bits - 1) else { return nil }
            var count: Int
            if short < maximum {
                count = short
                bit += bits - 1
            } else {
                guard let long = peek(bits) else { return nil }
                count = long
                if count >= threshold { count -= maximum }
                bit += bits
            }
            count -= 1
            remaining -= abs(count)
            symbol += 1
            previousZero = count == 0
            guard remaining >= 1 else { return nil }
            while remaining < threshold {
                bits -= 1
                threshold >>= 1
            }
        }
        guard remaining == 1 else { return nil }
        let used = (bit + 7) / 8
        if bit % 8 != 0, bytes[bit / 8] >> UInt8(bit % 8) != 0 {
            let at = start + Int64(bit / 8)
            return (used, Problem(range: at..<at + 1, reason: "the unused bits after an FSE table description are not zero"))
        }
        return (used, nil)
    }
}
