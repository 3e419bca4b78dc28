/// Maps a profile path, as resolved for its OS, to a path on this machine under `root`.
///
/// `/opt/demo/app.conf` with root `/mnt/src` is `/mnt/src/opt/demo/app.conf`; with `--os windows`,
/// `C:\Program Files\Demo\app.conf` is `ROOT/C/Program Files/Demo/app.conf`, so a Windows disk
/// mounted on Linux can be captured or restored offline. The mapping is lexical and refuses
/// any path that could leave the root (`..`, NUL, empty names), and for Windows any name that
/// Windows would not store as written (alternate data streams, device names, trailing dots).
public struct PathMapper: Sendable, Equatable {
    /// The host folder every path is placed under (`/` for the live system).
    public let root: String
    /// Whose path syntax the resolved paths use.
    public let os: OSFamily

    /// Longest path bundle writes, in bytes.
    static let maximumPathLength = 4096
    /// Longest single name, in bytes.
    static let maximumNameLength = 255

    /// A mapper for `root` (made absolute by the caller) and the paths of `os`.
    public init(root: String, os: OSFamily) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.os = os
    }

    /// The components of an absolute path of `os`, checked; the drive letter comes first on Windows.
    public func components(of resolved: String) throws(PathError) -> [String] {
        if resolved.utf8.contains(0) { throw .invalidCharacters(path: resolved) }
        var parts: [Substring]
        switch os {
        case .windows:
            let bytes = Array(resolved.utf8)
            guard bytes.count >= 3, (bytes[0] | 0x20) >= 0x61, (bytes[0] | 0x20) <= 0x7a, bytes[1] == 0x3a,
                bytes[2] == 0x5c || bytes[2] == 0x2f
            else { throw .notAbsolute(path: resolved) }
            parts = resolved.split(whereSeparator: { $0 == "\\" || $0 == "/" })
            parts[0] = Substring(String(resolved.first!).uppercased())
        case .linux, .macos:
            guard resolved.hasPrefix("/") else { throw .notAbsolute(path: resolved) }
            parts = resolved.split(separator: "/")
        }
        var result: [String] = []
        for part in parts where part != "." {
            if part == ".." { throw .climbs(path: resolved) }
            if os != .windows && part.utf8.contains(0x5c) { throw .invalidCharacters(path: resolved) }
            if os == .windows && result.count > 0 && !Self.isPortableWindowsName(part) { throw .invalidCharacters(path: resolved) }
            if part.utf8.count > Self.maximumNameLength { throw .tooLong(path: resolved) }
            result.append(String(part))
        }
        return result
    }

    /// Where `resolved` lives on this machine.
    public func hostPath(for resolved: String) throws(PathError) -> String {
        if let path = try asciiHostPath(for: resolved) { return path }
        let parts = try components(of: resolved)
        let joined = (root == "/" ? "" : root) + "/" + parts.joined(separator: "/")
        if joined.utf8.count > Self.maximumPathLength { throw .tooLong(path: joined) }
        return joined
    }

    /// Reserved device names that Windows opens as devices in any folder, with any extension.
    private static let windowsDeviceNames: Set<String> = {
        var names: Set<String> = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
        for digit in 1...9 { names.insert("COM\(digit)"); names.insert("LPT\(digit)") }
        return names
    }()

    /// A name Windows stores as written: no `:` (an alternate data stream, or a second drive),
    /// none of `<>"|?*`, no control characters, no trailing dot or space (which Windows drops,
    /// so `a.` would write `a`), and not a device name such as `NUL` or `COM1.txt`.
    static func isPortableWindowsName(_ name: Substring) -> Bool {
        if name.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f || ":<>\"|?*".utf8.contains($0) }) { return false }
        if name.hasSuffix(".") || name.hasSuffix(" ") { return false }
        let stem = name.split(separator: ".", maxSplits: 1).first.map { $0.trimmingSuffix(" ") } ?? ""
        return !windowsDeviceNames.contains(stem.uppercased())
    }

    /// Checks a relative path taken from a bundle member (`files/<item>/<relative>`) and
    /// returns its components; anything that could climb or hide is refused.
    public static func memberComponents(_ member: String) throws(PathError) -> [String] {
        // Bytes, not characters: a backslash or slash is one wherever it stands, as the file
        // system sees it (and no Foundation search per member).
        guard member.hasPrefix(BundleLayout.payloadPrefix), !member.utf8.contains(where: { $0 == 0 || $0 == 0x5c }) else {
            throw .invalidMember(member: member)
        }
        let parts = member.utf8.split(separator: 0x2f, omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts.contains(where: { $0.isEmpty || $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }) else {
            throw .invalidMember(member: member)
        }
        return parts.map { String(Substring($0)) }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }
}
