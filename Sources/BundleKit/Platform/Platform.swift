/// The platform layer: where BundleKit calls the operating system (host facts, file metadata
/// and `FilePermissions`, the one atomic write `DirectoryHandle.replace`, processes, services,
/// network, host path syntax in `HostPath`). A Windows port replaces or adds files here, not
/// the phases. Not yet everything: what still reaches the OS from outside this folder is
/// listed file by file in Formats/windows-port.md: libc in ArchiveIO (Compressor,
/// UTF8Locale, PaxReader, StreamFraming), BundleCrypto/AgeMemory and the CLI's Terminal;
/// swift-system `FileDescriptor`s in the phases' streaming code. Host paths above this folder
/// are joined, split and tested only through `HostPath`; the `/` left there belongs to member
/// paths, target templates, JSON pointers and link text, which are not host paths.
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
        HostPath.join(base, relative)
    }
}
