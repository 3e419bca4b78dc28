extension PathMapper {
    /// `hostPath(for:)` for an ASCII path of Linux or macOS, read as bytes into one string;
    /// nil for any other (the general path then decides).
    ///
    /// Verify maps every entry's target, tens of thousands of them; the general path splits
    /// each into an array of strings and joins them again. In ASCII text every byte is one
    /// character, so splitting on the `/` byte finds the same names, refused for the same
    /// reasons in the same order (`..`, a backslash, a name over 255 bytes, a path over 4096).
    func asciiHostPath(for resolved: String) throws(PathError) -> String? {
        guard os != .windows else { return nil }
        var text = resolved
        // Read on the contiguous bytes: a restore maps each of 20,000 targets several times.
        let result: Result<String?, PathError> = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 || $0 == 0 }) else { return .success(nil) }
            guard bytes.first == UInt8(ascii: "/") else { return .failure(.notAbsolute(path: resolved)) }
            var joined: [UInt8] = []
            joined.reserveCapacity(root.utf8.count + bytes.count)
            if root != "/" { joined.append(contentsOf: root.utf8) }
            var index = 0
            var wroteName = false
            while index < bytes.count {
                // The name from here to the next '/' (empty names are skipped, as `split` does).
                var end = index
                while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
                let name = UnsafeBufferPointer(rebasing: bytes[index..<end])
                index = end < bytes.count ? end + 1 : end
                if name.isEmpty || (name.count == 1 && name[0] == UInt8(ascii: ".")) { continue }
                if name.count == 2 && name[0] == UInt8(ascii: ".") && name[1] == UInt8(ascii: ".") { return .failure(.climbs(path: resolved)) }
                if name.contains(0x5c) { return .failure(.invalidCharacters(path: resolved)) }
                if name.count > Self.maximumNameLength { return .failure(.tooLong(path: resolved)) }
                joined.append(UInt8(ascii: "/"))
                joined.append(contentsOf: name)
                wroteName = true
            }
            if !wroteName { joined.append(UInt8(ascii: "/")) }
            let path = String(decoding: joined, as: UTF8.self)
            if joined.count > Self.maximumPathLength { return .failure(.tooLong(path: path)) }
            return .success(path)
        }
        return try result.get()
    }
}

extension PathMapper {
    /// Refuses what `memberComponents(_:)` refuses, without building the components: verify
    /// checks every member this way and needs only the verdict.
    static func checkMember(_ member: String) throws(PathError) {
        guard member.hasPrefix(BundleLayout.payloadPrefix) else { throw .invalidMember(member: member) }
        var names = 0
        var length = 0, dots = 0  // of the current name
        var bad = false
        for byte in member.utf8 {
            if byte == 0 || byte == 0x5c { throw .invalidMember(member: member) }
            if byte == 0x2f {
                // An empty, `.` or `..` name.
                if length == 0 || (length == dots && dots <= 2) { bad = true }
                names += 1
                length = 0
                dots = 0
            } else {
                length += 1
                if byte == 0x2e { dots += 1 }
            }
        }
        if length == 0 || (length == dots && dots <= 2) { bad = true }
        names += 1
        guard names >= 3, !bad else { throw .invalidMember(member: member) }
    }
}
