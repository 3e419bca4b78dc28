/// One recipient stanza of an age header: `-> TYPE ARG...` and a base64 body wrapped at
/// 64 columns, whose last line is always shorter than 64 (possibly empty).
struct AgeStanza: Equatable, Sendable {
    /// The first argument, which says who can open it: `X25519`, `scrypt`, or a type we don't know.
    var type: String
    /// The arguments after the type.
    var arguments: [String]
    /// The decoded body; for the types we know, the file key sealed with ChaCha20-Poly1305.
    var body: [UInt8]

    /// The stanza as it appears in a header, ending with a line feed.
    func encoded() -> [UInt8] {
        var out = Array("-> ".utf8)
        out += Array(([type] + arguments).joined(separator: " ").utf8)
        out.append(0x0A)
        let text = Array(AgeBase64.encode(body).utf8)
        var start = 0
        repeat {
            let end = min(start + 64, text.count)
            out += text[start..<end]
            out.append(0x0A)
            start += 64
        } while start <= text.count
        return out
    }

    /// Whether `argument` is a legal stanza argument: one or more visible ASCII characters.
    static func isValidArgument(_ argument: some Collection<UInt8>) -> Bool {
        !argument.isEmpty && argument.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }
}
