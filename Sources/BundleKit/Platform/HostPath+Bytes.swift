extension HostPath {
    /// Whether tidying leaves `path` as it is (no run of separators, no trailing one, as every
    /// host path a restore builds), and if so the byte offset of its last separator. Read on
    /// the UTF-8 bytes: a separator is ASCII, never part of another character's bytes, and a
    /// path walked per `Character` costs a restore of 20,000 files ~5% of its samples.
    static func lastSeparator(_ path: String) -> (isTidy: Bool, offset: Int?) {
        var path = path
        return path.withUTF8 { bytes in
            var last: Int? = nil
            var afterSeparator = false
            for index in bytes.indices {
                let separator = isSeparator(byte: bytes[index])
                if separator {
                    if afterSeparator { return (false, nil) }
                    last = index
                }
                afterSeparator = separator
            }
            return afterSeparator && bytes.count > 1 ? (false, nil) : (true, last)
        }
    }

    /// True for a byte this machine reads as a separator (`/`; also `\` on Windows).
    static func isSeparator(byte: UInt8) -> Bool {
        #if os(Windows)
            return byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\")
        #else
            return byte == UInt8(ascii: "/")
        #endif
    }
}
