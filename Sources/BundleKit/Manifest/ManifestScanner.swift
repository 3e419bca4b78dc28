import Foundation

/// Reads `MANIFEST.json`'s `entries` straight from its bytes, one entry at a time.
///
/// `JSONDecoder` first turns the whole text into a map of every value, about 1 KiB per entry
/// beside the text and the decoded entries, for a moment that is verify's and restore's peak
/// memory with tens of thousands of files. This scanner walks the top-level object once to find
/// `version` and the `entries` array, leaves everything else (small) to `JSONDecoder`, and
/// decodes each entry object into a `ManifestEntry` directly, into an array sized exactly.
///
/// It is as strict as the decoder it replaces, and stricter where two readers could disagree:
/// RFC 8259 syntax, strings checked for escapes, control characters and UTF-8; integers
/// without fraction or exponent; every key of an entry except `link` required, none twice;
/// keys it does not know are skipped (a newer writer's optional keys).
struct ManifestScanner {
    /// Where and why the text is not a manifest.
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    /// What the top-level walk found.
    struct Outline {
        /// `version`, when it is an integer.
        var version: Int?
        /// The bytes of the `entries` array, brackets included.
        var entries: Range<Int>?
        /// How many elements that array has.
        var entryCount = 0
    }

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    /// Told now and then how far the scan got (`HeaderMemberBytes` lets go of what lies behind).
    private let release: (Int) -> Void

    init(_ bytes: UnsafeRawBufferPointer, release: @escaping (Int) -> Void = { _ in }) {
        self.bytes = bytes
        self.release = release
    }

    // MARK: - Top level

    /// Walks the top-level object, skipping every value but noting `version` and `entries`.
    mutating func outline() throws(Failure) -> Outline {
        var outline = Outline()
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                let key = try string()
                try expect(UInt8(ascii: ":"))
                try skipWhitespace()
                let start = position
                switch key {
                case "version":
                    outline.version = (try? integer()).flatMap { Int(exactly: $0) }
                    position = start
                    try skipValue()
                case "entries":
                    if outline.entries != nil { throw fail("the key 'entries' appears twice") }
                    if try peek() == UInt8(ascii: "[") {
                        outline.entryCount = try countElements()
                    } else {
                        try skipValue()
                    }
                    outline.entries = start..<position
                default:
                    try skipValue()
                }
                if try separator(closing: UInt8(ascii: "}")) { break }
            }
        }
        try skipWhitespace()
        if position != bytes.count { throw fail("text after the manifest object") }
        return outline
    }

    // MARK: - Entries

    /// Decodes the array at `range` (from `outline`, which counted its `count` elements)
    /// into entries.
    mutating func entries(in range: Range<Int>, count: Int) throws(Failure) -> ManifestEntries {
        var entries = ManifestEntries()
        entries.reserveCapacity(count, nameBytes: range.count / 8)
        position = range.lowerBound
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return entries
        }
        while true {
            entries.append(try entry(index: entries.count))
            if entries.count & 0xFF == 0 { release(position) }
            if try separator(closing: UInt8(ascii: "]")) { break }
        }
        return entries
    }

    /// Skips the array that starts here, returning how many elements it has.
    private mutating func countElements() throws(Failure) -> Int {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return 0
        }
        var count = 0
        while true {
            try skipValue()
            count += 1
            if count & 0xFF == 0 { release(position) }
            if try separator(closing: UInt8(ascii: "]")) { return count }
        }
    }

    private enum Key: String, CaseIterable {
        case member, target, item, role, size, mode, mtime, mtimeNanoseconds, sha256, encrypted, link, owner, group, uid, gid
    }

    private mutating func entry(index: Int) throws(Failure) -> ManifestEntry {
        var member, target, item, role, mode, sha256, link, owner, group: String?
        var size, mtime, nanoseconds, uid, gid: Int64?
        var encrypted: Bool?
        var seen: UInt16 = 0
        try expect(UInt8(ascii: "{"))
        if try peek() != UInt8(ascii: "}") {
            while true {
                let name = try string()
                try expect(UInt8(ascii: ":"))
                try skipWhitespace()
                if let key = Key(rawValue: name) {
                    let bit: UInt16 = 1 << Key.allCases.firstIndex(of: key)!
                    guard seen & bit == 0 else { throw fail("entries[\(index)] has the key '\(name)' twice") }
                    seen |= bit
                    switch key {
                    case .member: member = try string()
                    case .target: target = try string()
                    case .item: item = try string()
                    case .role: role = try string()
                    case .mode: mode = try string()
                    case .sha256: sha256 = try string()
                    case .link: if try !literal("null") { link = try string() }
                    case .owner: owner = try string()
                    case .group: group = try string()
                    case .uid: uid = try integer()
                    case .gid: gid = try integer()
                    case .size: size = try integer()
                    case .mtime: mtime = try integer()
                    case .mtimeNanoseconds: nanoseconds = try integer()
                    case .encrypted: encrypted = try boolean()
                    }
                } else {
                    try skipValue()
                }
                if try separator(closing: UInt8(ascii: "}")) { break }
            }
        } else {
            position += 1
        }
        func required<T>(_ value: T?, _ key: Key) throws(Failure) -> T {
            guard let value else { throw fail("entries[\(index)] has no '\(key.rawValue)'") }
            return value
        }
        let roleName = try required(role, .role)
        guard let parsedRole = Role(rawValue: roleName) else { throw fail("entries[\(index)] has the unknown role '\(roleName)'") }
        guard let parsedNanoseconds = Int32(exactly: try required(nanoseconds, .mtimeNanoseconds)) else {
            throw fail("entries[\(index)].mtimeNanoseconds is out of range")
        }
        var entry = ManifestEntry(
            member: try required(member, .member), target: try required(target, .target), item: try required(item, .item),
            role: parsedRole, size: try required(size, .size), permissions: 0, mtime: try required(mtime, .mtime),
            mtimeNanoseconds: parsedNanoseconds, sha256: try required(sha256, .sha256), encrypted: try required(encrypted, .encrypted),
            link: link)
        entry.mode = try required(mode, .mode)
        entry.owner = owner
        entry.group = group
        func id(_ value: Int64?, _ key: Key) throws(Failure) -> UInt32? {
            guard let value else { return nil }
            guard let id = UInt32(exactly: value) else { throw fail("entries[\(index)].\(key.rawValue) is out of range") }
            return id
        }
        entry.uid = try id(uid, .uid)
        entry.gid = try id(gid, .gid)
        return entry
    }

    // MARK: - Values

    /// After a member or element: true at the closing bracket (consumed), false after a comma.
    private mutating func separator(closing: UInt8) throws(Failure) -> Bool {
        switch try peek() {
        case UInt8(ascii: ","):
            position += 1
            return false
        case closing:
            position += 1
            return true
        default:
            throw fail("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
        }
    }

    /// Skips one value of any kind, checking its syntax.
    private mutating func skipValue() throws(Failure) {
        switch try peek() {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            position += 1
            if try peek() == UInt8(ascii: "}") {
                position += 1
                return
            }
            while true {
                _ = try string()
                try expect(UInt8(ascii: ":"))
                try skipValue()
                if try separator(closing: UInt8(ascii: "}")) { return }
            }
        case UInt8(ascii: "["):
            position += 1
            if try peek() == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                try skipValue()
                if try separator(closing: UInt8(ascii: "]")) { return }
            }
        case UInt8(ascii: "t"): guard try literal("true") else { throw fail("expected a value") }
        case UInt8(ascii: "f"): guard try literal("false") else { throw fail("expected a value") }
        case UInt8(ascii: "n"): guard try literal("null") else { throw fail("expected a value") }
        default: try skipNumber()
        }
    }

    /// Consumes `word` if it is next; false (nothing consumed) if not.
    private mutating func literal(_ word: StaticString) throws(Failure) -> Bool {
        try skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] { return false }
        position += count
        return true
    }

    private mutating func boolean() throws(Failure) -> Bool {
        if try literal("true") { return true }
        if try literal("false") { return false }
        throw fail("expected true or false")
    }

    /// A JSON number that is an integer (no fraction, no exponent) and fits in 64 bits.
    private mutating func integer() throws(Failure) -> Int64 {
        try skipWhitespace()
        let start = position
        do {
            try skipNumber()
        } catch {
            throw fail("expected a whole number that fits in 64 bits", at: start)
        }
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
        guard !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
            let value = Int64(String(decoding: text, as: UTF8.self))
        else {
            position = start
            throw fail("expected a whole number that fits in 64 bits")
        }
        return value
    }

    /// RFC 8259's number grammar.
    private mutating func skipNumber() throws(Failure) {
        try skipWhitespace()
        func digits() -> Int {
            let from = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - from
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let leading = position
        guard digits() > 0 else { throw fail("expected a value") }
        if bytes[leading] == UInt8(ascii: "0"), position - leading > 1 { throw fail("a number has a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw fail("a number has no digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw fail("a number has no digits in its exponent") }
        }
    }

    /// A string value, unescaped and checked to be UTF-8.
    private mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false
        while true {
            guard position < bytes.count else { throw fail("a string is not closed") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw fail("a string holds a raw control character") }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < bytes.count else { throw fail("a string is not closed") }
            }
            position += 1
        }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
        position += 1
        if !escaped {
            guard let text = String(validating: raw, as: UTF8.self) else { throw fail("a string is not UTF-8", at: start) }
            return text
        }
        return try JSONStringDecoder.decode(raw) { at, reason throws(Failure) in throw Failure(offset: start + at, reason: reason) }
    }

    // MARK: - Bytes

    private mutating func skipWhitespace() throws(Failure) {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0a, 0x0d: position += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    private mutating func peek() throws(Failure) -> UInt8 {
        try skipWhitespace()
        guard position < bytes.count else { throw fail("the text ends early") }
        return bytes[position]
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard try peek() == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(offset: offset ?? position, reason: reason)
    }
}
