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

    let bytes: UnsafeRawBufferPointer
    var position = 0
    /// Told now and then how far the scan got (`HeaderMemberBytes` lets go of what lies behind).
    private let release: (Int) -> Void
    /// Told, with `release`, how far the entries' decoding got (not the outline's skim).
    var decoded: (Int) -> Void = { _ in }
    /// Where the entries' tables go once they grow (`ManifestEntries(spillingTo:)`).
    var scratchFolder: String?

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
        var entries = ManifestEntries(spillingTo: scratchFolder)
        entries.reserveCapacity(count, nameBytes: range.count / 8)
        position = range.lowerBound
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return entries
        }
        while true {
            entries.append(try entry(index: entries.count))
            if entries.count & 0xFF == 0 {
                release(position)
                decoded(position)
            }
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

        /// Each key's name as bytes, in `allCases` order (the bit it sets in `seen`).
        static let names: [[UInt8]] = allCases.map { Array($0.rawValue.utf8) }

        /// The key whose name is `raw` (a string body without escapes), and its position.
        static func matching(_ raw: UnsafeRawBufferPointer) -> (Key, Int)? {
            for (position, name) in names.enumerated() where name.count == raw.count && name.elementsEqual(raw) {
                return (allCases[position], position)
            }
            return nil
        }
    }

    /// The entry key that starts here and its position in `Key.allCases`, or nil for a key this
    /// build does not know; `name` is where its text lies, or its text when it had escapes
    /// (for a message). Compared as bytes unless escaped: no string is built for it.
    private mutating func entryKey() throws(Failure) -> (key: Key, position: Int, name: Range<Int>, decoded: String?)? {
        let body = try stringBody()
        let raw = UnsafeRawBufferPointer(rebasing: bytes[body.range])
        guard body.escaped else {
            try checkUTF8(raw, body)
            return Key.matching(raw).map { found in (found.0, found.1, body.range, nil) }
        }
        let name = try decodeEscaped(body)
        guard let key = Key(rawValue: name) else { return nil }
        return (key, Key.allCases.firstIndex(of: key)!, body.range, name)
    }

    private mutating func entry(index: Int) throws(Failure) -> ManifestEntry {
        var member, target, item, role, mode, sha256, link, owner, group: String?
        var size, mtime, nanoseconds, uid, gid: Int64?
        var encrypted: Bool?
        var seen: UInt16 = 0
        try expect(UInt8(ascii: "{"))
        if try peek() != UInt8(ascii: "}") {
            while true {
                let found = try entryKey()
                try expect(UInt8(ascii: ":"))
                try skipWhitespace()
                if let (key, position, range, decoded) = found {
                    let bit: UInt16 = 1 << position
                    guard seen & bit == 0 else {
                        let name = decoded ?? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                        throw fail("entries[\(index)] has the key '\(name)' twice")
                    }
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
            role: parsedRole, size: try required(size, .size), mode: try required(mode, .mode), mtime: try required(mtime, .mtime),
            mtimeNanoseconds: parsedNanoseconds, sha256: try required(sha256, .sha256), encrypted: try required(encrypted, .encrypted),
            link: link)
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
}

extension ManifestEntry {
    /// An entry as the manifest spells it, `mode` as written (the public initializer spells
    /// permission bits, which a decoded entry would only overwrite).
    init(
        member: String, target: String, item: String, role: Role, size: Int64, mode: String,
        mtime: Int64, mtimeNanoseconds: Int32, sha256: String, encrypted: Bool, link: String?
    ) {
        self.member = member
        self.target = target
        self.item = item
        self.role = role
        self.size = size
        self.mode = mode
        self.mtime = mtime
        self.mtimeNanoseconds = mtimeNanoseconds
        self.sha256 = sha256
        self.encrypted = encrypted
        self.link = link
    }
}
