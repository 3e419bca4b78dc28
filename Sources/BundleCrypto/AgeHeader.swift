import Crypto

/// The text header of an age file: the version line, one or more stanzas, and the MAC line.
///
/// Parsing is strict (LF only, canonical base64, body lines of exactly 64 columns but the last),
/// so the bytes read are the only encoding of what was parsed and the MAC is checked over them.
struct AgeHeader {
    static let versionLine = "age-encryption.org/v1"
    static let armorLine = "-----BEGIN AGE ENCRYPTED FILE-----"
    /// The most header bytes a reader buffers before giving up; thousands of stanzas fit.
    static let maximumSize = 1 << 20

    var stanzas: [AgeStanza]
    /// The HMAC-SHA256 read from the MAC line.
    var mac: [UInt8] = []

    /// The header up to and including `---`: what the MAC covers.
    func encodedWithoutMAC() -> [UInt8] {
        var out = Array(Self.versionLine.utf8)
        out.append(0x0A)
        for stanza in stanzas { out += stanza.encoded() }
        out += Array("---".utf8)
        return out
    }

    /// The whole header for writing: the stanzas, then the MAC under `fileKey`.
    static func encode(stanzas: [AgeStanza], fileKey: SymmetricKey) -> [UInt8] {
        var out = AgeHeader(stanzas: stanzas).encodedWithoutMAC()
        let mac = Self.mac(over: out, fileKey: fileKey)
        out += Array(" \(AgeBase64.encode(mac))\n".utf8)
        return out
    }

    /// HMAC-SHA256 keyed with HKDF-SHA256(file key, salt: empty, info: "header").
    static func mac(over bytes: [UInt8], fileKey: SymmetricKey) -> [UInt8] {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: fileKey, info: Array("header".utf8), outputByteCount: 32)
        return Array(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
    }

    /// Checks the MAC read from the file in constant time.
    func verifyMAC(over macInput: [UInt8], fileKey: SymmetricKey) -> Bool {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: fileKey, info: Array("header".utf8), outputByteCount: 32)
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: macInput, using: key)
    }

    /// Decides early, from the first bytes alone, whether the input can be an age v1 file, so a
    /// wrong or armored input fails before much of it is buffered.
    static func checkPrefix(_ bytes: ArraySlice<UInt8>) throws(AgeError) {
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A]
        let trimmed = bytes.drop(while: { whitespace.contains($0) })
        if trimmed.first == UInt8(ascii: "-") {
            let armor = Array(armorLine.utf8)
            let head = trimmed.prefix(armor.count)
            guard armor.starts(with: head) else { throw .notAgeFile }
            if head.count == armor.count { throw .armored }
            return
        }
        if trimmed.isEmpty && !bytes.isEmpty {
            if bytes.count > 1024 { throw .notAgeFile }
            return
        }
        let version = Array((versionLine + "\n").utf8)
        if version.starts(with: bytes.prefix(version.count)) { return }
        let family = Array("age-encryption.org/".utf8)
        guard family.starts(with: bytes.prefix(family.count)) else { throw .notAgeFile }
        if let end = bytes.firstIndex(of: 0x0A) {
            let line = bytes[bytes.startIndex..<end]
            if line.last == 0x0D {
                throw .malformedHeader("the version line ends in CR; age headers use LF line endings")
            }
            throw .unsupportedVersion(
                String(decoding: line.dropFirst(family.count).prefix(32), as: UTF8.self))
        }
        if bytes.count > 256 { throw .notAgeFile }
    }

    /// Parses a complete header, `bytes` ending with the MAC line's line feed. Returns the header
    /// and the bytes the MAC covers.
    static func parse(_ bytes: ArraySlice<UInt8>) throws(AgeError) -> (
        header: AgeHeader, macInput: [UInt8]
    ) {
        try checkPrefix(bytes)
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else {
            throw .malformedHeader("the MAC line does not end the header")
        }
        lines.removeLast()
        for (number, line) in lines.enumerated() where line.contains(0x0D) {
            throw .malformedHeader("line \(number + 1) contains a CR; age headers use LF line endings")
        }
        guard lines.first.map({ Array($0) == Array(versionLine.utf8) }) == true else {
            throw .notAgeFile
        }

        var stanzas: [AgeStanza] = []
        var index = 1
        while index < lines.count {
            let line = lines[index]
            if line.starts(with: Array("---".utf8)) {
                guard index == lines.count - 1 else { throw .malformedHeader("lines follow the MAC line") }
                guard line.count > 4, line[line.startIndex + 3] == 0x20 else {
                    throw .malformedHeader("the MAC line must be '--- ' followed by the MAC")
                }
                let text = line.dropFirst(4)
                guard let mac = AgeBase64.decode(text) else { throw .nonCanonicalBase64("the header MAC") }
                guard mac.count == 32 else {
                    throw .malformedHeader("the header MAC is \(mac.count) bytes, not 32")
                }
                guard !stanzas.isEmpty else { throw .malformedHeader("the header has no recipient stanza") }
                let macInput = Array(bytes[bytes.startIndex..<(line.startIndex + 3)])
                return (AgeHeader(stanzas: stanzas, mac: mac), macInput)
            }
            guard line.starts(with: Array("-> ".utf8)) else {
                throw .malformedHeader(
                    "line \(index + 1) is neither a stanza ('-> ') nor the MAC line ('--- ')")
            }
            let fields = line.dropFirst(3).split(separator: 0x20, omittingEmptySubsequences: false)
            guard fields.allSatisfy({ AgeStanza.isValidArgument($0) }) else {
                throw .malformedHeader(
                    "stanza \(stanzas.count + 1) has an empty argument or a character outside visible ASCII")
            }
            var body: [UInt8] = []
            while true {
                index += 1
                guard index < lines.count else {
                    throw .malformedHeader("stanza \(stanzas.count + 1) has no body")
                }
                let bodyLine = lines[index]
                guard bodyLine.count <= 64 else {
                    throw .malformedHeader(
                        "a body line of stanza \(stanzas.count + 1) is longer than 64 columns")
                }
                guard !bodyLine.starts(with: Array("-".utf8)) else {
                    throw .malformedHeader(
                        "stanza \(stanzas.count + 1) has no final body line shorter than 64 columns")
                }
                guard let decoded = AgeBase64.decode(bodyLine) else {
                    throw .nonCanonicalBase64("the body of stanza \(stanzas.count + 1)")
                }
                body += decoded
                if bodyLine.count < 64 { break }
            }
            let type = String(decoding: fields[0], as: UTF8.self)
            let arguments = fields.dropFirst().map { String(decoding: $0, as: UTF8.self) }
            stanzas.append(AgeStanza(type: type, arguments: arguments, body: body))
            index += 1
        }
        throw .malformedHeader("the header has no MAC line")
    }

    /// Applies the rules that hold whatever key opens the file: an `scrypt` stanza stands alone,
    /// and the stanzas of the types we know are well formed.
    func validate() throws(AgeError) {
        if stanzas.contains(where: { $0.type == AgeScrypt.stanzaType }) && stanzas.count > 1 {
            throw .scryptNotAlone
        }
        for stanza in stanzas {
            switch stanza.type {
            case AgeRecipient.stanzaType: _ = try AgeRecipient.parseStanza(stanza)
            case AgeScrypt.stanzaType: _ = try AgeScrypt.parseStanza(stanza)
            default: break
            }
        }
    }

    /// The distinct stanza types, in order of appearance, for error messages.
    var stanzaTypes: [String] {
        var seen: [String] = []
        for stanza in stanzas where !seen.contains(stanza.type) {
            seen.append(String(stanza.type.prefix(40)))
        }
        return seen
    }
}
