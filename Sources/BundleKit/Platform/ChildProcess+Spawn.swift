import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ChildProcess {
    /// Starts `executable` with `command` as its argument vector (argv[0] as given) and this
    /// process's environment, through `posix_spawn`:
    /// - in a process group of its own (POSIX_SPAWN_SETPGROUP), so that it and everything it
    ///   starts can be signalled together, and a Ctrl-C at bundle's terminal is not delivered
    ///   to it behind bundle's back;
    /// - with an empty signal mask (POSIX_SPAWN_SETSIGMASK) and every catchable signal at its
    ///   default action (POSIX_SPAWN_SETSIGDEF), whatever the calling thread blocks and bundle
    ///   ignores: a daemon it starts can be stopped with `kill`;
    /// - standard input from /dev/null, standard output and error into one pipe, and no other
    ///   descriptor: every one from 3 up is closed in the child (`closefrom` as a spawn action).
    static func spawn(_ executable: String, command: [String]) throws(CommandError) -> ChildProcess {
        let output: (read: Int32, write: Int32)
        let notice: (read: Int32, write: Int32)
        do {
            output = try makePipe()
            do {
                notice = try makePipe()
            } catch {
                close(output.read)
                close(output.write)
                throw error
            }
        } catch {
            throw .cannotStart(command: command, reason: "no pipe for its output: \(error)")
        }

        var pid: pid_t = 0
        let result = withSpawnSettings(outputWrite: output.write) { actions, attributes in
            withCStrings(command) { argv in
                withCStrings(ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }) { envp in
                    posix_spawn(&pid, executable, actions, attributes, argv, envp)
                }
            }
        }
        close(output.write)
        guard result == 0 else {
            for fd in [output.read, notice.read, notice.write] { close(fd) }
            throw .cannotStart(command: command, reason: "\(executable): \(String(cString: strerror(result)))")
        }
        let reaped = ReapedStatus()
        reaped.reap(pid, thenClose: notice.write)
        return ChildProcess(pid: pid, outputFD: output.read, exitNoticeFD: notice.read, reaped: reaped)
    }

    /// A close-on-exec pipe whose ends are both 3 or above, so neither can be one of the
    /// child's 0, 1, 2 (as `pipe` would hand out when bundle itself runs with one closed).
    private static func makePipe() throws(Errno) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw Errno(rawValue: errno) }
        var failure: Errno?
        for index in ends.indices {
            let moved = fcntl(ends[index], F_DUPFD_CLOEXEC, 3)
            if moved < 0 { failure = failure ?? Errno(rawValue: errno) }
            close(ends[index])
            ends[index] = moved
        }
        if let failure {
            for fd in ends where fd >= 0 { close(fd) }
            throw failure
        }
        return (ends[0], ends[1])
    }

    /// Calls `body` with the file actions and attributes described on `spawn`; returns its result,
    /// or the error number of the first setting that failed.
    private static func withSpawnSettings(
        outputWrite: Int32,
        _ body: (UnsafePointer<SpawnActions>, UnsafePointer<SpawnAttributes>) -> Int32
    ) -> Int32 {
        var actions = SpawnActions()
        var attributes = SpawnAttributes()
        // These return the error number itself, as posix_spawn does.
        let actionsResult = posix_spawn_file_actions_init(&actions)
        guard actionsResult == 0 else { return actionsResult }
        defer { posix_spawn_file_actions_destroy(&actions) }
        let attributesResult = posix_spawnattr_init(&attributes)
        guard attributesResult == 0 else { return attributesResult }
        defer { posix_spawnattr_destroy(&attributes) }

        var empty = sigset_t()
        sigemptyset(&empty)
        // Every bit set, not sigfillset: glibc's leaves out the two real-time signals it uses
        // itself (32, 33), which its spawn would then hand to the child as ignored. SIGKILL and
        // SIGSTOP cannot be caught, so they are left alone.
        var all = sigset_t()
        _ = withUnsafeMutableBytes(of: &all) { $0.initializeMemory(as: UInt8.self, repeating: 0xff) }
        let flags = Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | closeAllFlag)
        for step in [
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0),
            posix_spawn_file_actions_adddup2(&actions, outputWrite, 1),
            posix_spawn_file_actions_adddup2(&actions, outputWrite, 2),
            closeFrom3(&actions),
            posix_spawnattr_setsigmask(&attributes, &empty),
            posix_spawnattr_setsigdefault(&attributes, &all),
            posix_spawnattr_setpgroup(&attributes, 0),
            posix_spawnattr_setflags(&attributes, flags),
        ] where step != 0 {
            return step
        }
        return body(&actions, &attributes)
    }

    /// Runs `body` with a NULL-terminated array of C strings.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

#if canImport(Darwin)
typealias SpawnActions = posix_spawn_file_actions_t?
typealias SpawnAttributes = posix_spawnattr_t?
/// Darwin closes every descriptor not named by a file action.
private let closeAllFlag = Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
private func closeFrom3(_ actions: UnsafeMutablePointer<SpawnActions>) -> Int32 { 0 }
#else
typealias SpawnActions = posix_spawn_file_actions_t
typealias SpawnAttributes = posix_spawnattr_t
private let closeAllFlag: Int32 = 0

/// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later), which the Glibc module
/// does not declare (its header hides it behind _GNU_SOURCE), so it is looked up at run time.
private let addCloseFrom: (@convention(c) (UnsafeMutablePointer<SpawnActions>?, Int32) -> Int32)? =
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    .map { unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<SpawnActions>?, Int32) -> Int32).self) }

/// Closes every descriptor from 3 up in the child. Without `addclosefrom_np` (an older libc),
/// each descriptor open now is closed by name instead: one opened by another thread between
/// this listing and the spawn could still leak, which close-on-exec (everything bundle opens
/// itself) covers.
private func closeFrom3(_ actions: UnsafeMutablePointer<SpawnActions>) -> Int32 {
    if let addCloseFrom { return addCloseFrom(actions, 3) }
    guard let folder = opendir("/proc/self/fd") else { return 0 }
    defer { closedir(folder) }
    var open: [Int32] = []
    while let entry = readdir(folder) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if let fd = Int32(name), fd > 2, fd != dirfd(folder) { open.append(fd) }
    }
    for fd in open {
        let result = posix_spawn_file_actions_addclose(actions, fd)
        if result != 0 { return result }
    }
    return 0
}
#endif
