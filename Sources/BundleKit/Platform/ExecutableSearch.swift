#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the program a command names, as `execvp(3)`, shells, Ansible's `command` and systemd
/// do: a name with a `/` is used as it is; a bare name is looked up in each folder of `PATH`
/// in order, and the first regular file there that may be executed wins.
///
/// Two choices differ from `execvp`: an empty `PATH` entry (which `execvp` reads as the
/// current folder) is skipped, because an administrator's tool must not run whatever lies
/// where it was started; and when `PATH` is unset, systemd's default is searched rather than
/// `/bin:/usr/bin`, so that tools in `sbin` (`nginx`, `service`) are found when run as root.
enum ExecutableSearch {
    /// The search path used when the environment has no `PATH` (systemd's default).
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// The file to execute for `command`, searched in `searchPath` (`PATH` of this process,
    /// which runs on the target, when nil).
    static func executable(for command: [String], searchPath: String? = nil) throws(CommandError) -> String {
        guard let name = command.first, !name.isEmpty else {
            throw .cannotStart(command: command, reason: "empty command")
        }
        if name.contains("/") { return name }
        let path = searchPath ?? getenv("PATH").map { String(cString: $0) } ?? defaultPath
        var notExecutable: String?
        // Relative entries (`.`, `bin`) are skipped: bundle runs as root, from any folder.
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) where folder.hasPrefix("/") {
            let candidate = String(folder.hasSuffix("/") ? folder + name : folder + "/" + name)
            guard isRegularFile(candidate) else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
            notExecutable = notExecutable ?? candidate
        }
        if let notExecutable {
            throw .cannotStart(command: command, reason: "\(notExecutable) is not executable (searched PATH=\(path))")
        }
        throw .cannotStart(command: command, reason: "no program of that name on PATH=\(path)")
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
