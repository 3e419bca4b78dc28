/// The platform layer: the few things that differ between Linux and Windows (host facts,
/// file metadata, durable renames, path syntax). Everything above this folder is portable;
/// a Windows port replaces these files, not the phases.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the machine this process runs on.
public enum Host {
    /// The machine's host name, as the manifest records it.
    public static var name: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Where bundle keeps its state (staging, journals, safeguards) on a target whose files
    /// live under `root`: the platform's state folder, resolved under the root like every path.
    public static func stateDirectory(root: String, os: OSFamily = .current) -> String {
        switch os {
        case .windows: return join(root, "C/ProgramData/bundle")  // C:\ProgramData\bundle, mapped like every path
        case .linux, .macos: return join(root, "var/lib/bundle")
        }
    }

    static func join(_ base: String, _ relative: String) -> String {
        base.hasSuffix("/") ? base + relative : base + "/" + relative
    }
}
