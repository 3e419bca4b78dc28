/// The operating systems a profile can give separate variable values for.
public enum OSFamily: String, Sendable, CaseIterable, Codable {
    /// Linux (and other systems that are neither Windows nor macOS).
    case linux
    /// Microsoft Windows.
    case windows
    /// Apple macOS.
    case macos

    /// The family of the system this build runs on.
    public static var current: OSFamily {
        #if os(Windows)
            return .windows
        #elseif os(macOS)
            return .macos
        #else
            return .linux
        #endif
    }
}
