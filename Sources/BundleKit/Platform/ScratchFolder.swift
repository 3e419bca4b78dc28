import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private 0700 folder for decrypted or exported secrets and other temporaries, removed
/// when it is done with, when the process is interrupted (SIGINT, SIGTERM, SIGHUP), and on
/// every error path. Secrets never outlive the command that needed them.
public final class ScratchFolder: @unchecked Sendable {
    /// The folder's path.
    public let path: String
    private var removed = false

    /// Makes `<parent>/.bundle-<label>-<random>` with mode 0700.
    public init(in parent: String, label: String) throws {
        path = parent + "/.bundle-\(label)-\(UUID().uuidString.prefix(8))"
        guard mkdir(path, 0o700) == 0 else {
            throw FileSystemError.cannotWrite(path: path, errno: .init(rawValue: errno))
        }
        ScratchRegistry.shared.add(path)
    }

    deinit {
        remove()
    }

    /// Removes the folder and everything in it.
    public func remove() {
        guard !removed else { return }
        removed = true
        LocalFileSystem.removeTree(path)
        ScratchRegistry.shared.remove(path)
    }

    /// Removes every live scratch folder, then ends the process as the signal would have.
    /// Call once at start-up from a command-line program.
    public static func removeOnInterrupt() {
        ScratchRegistry.shared.installSignalHandlers()
    }

    /// Call before the process exits on its own: when a signal is being handled, waits for it
    /// to end the process (`ScratchRegistry.holdIfInterrupted`).
    public static func holdIfInterrupted() {
        ScratchRegistry.shared.holdIfInterrupted()
    }
}

/// The live scratch folders, so a signal handler can remove them.
final class ScratchRegistry: @unchecked Sendable {
    static let shared = ScratchRegistry()
    private let lock = NSLock()
    private var paths = Set<String>()
    private var children = Set<Int32>()
    private var sources: [DispatchSourceSignal] = []
    private var hooks: [UUID: @Sendable () -> Void] = [:]
    /// A signal is being handled: the process ends by it, not by the command's own exit.
    private var interrupted = false

    /// Waits for the signal being handled to end the process, if one is: the handler stops the
    /// profile's commands first, so a command failing for that reason must not let the process
    /// exit with an error code of its own before the signal ends it.
    func holdIfInterrupted() {
        lock.lock()
        let waiting = interrupted
        lock.unlock()
        guard waiting else { return }
        while true { sleep(60) }
    }

    /// Work that must be done before an interrupted process ends (a capture puts its source
    /// back): run once, after the commands' groups are stopped. Returns its key for `removeHook`.
    func addHook(_ hook: @escaping @Sendable () -> Void) -> UUID {
        let key = UUID()
        lock.lock()
        hooks[key] = hook
        lock.unlock()
        return key
    }

    func removeHook(_ key: UUID) {
        lock.lock()
        hooks[key] = nil
        lock.unlock()
    }

    /// Runs and forgets every hook (a second signal finds none left).
    private func runHooks() {
        lock.lock()
        let all = hooks.values
        hooks.removeAll()
        lock.unlock()
        for hook in all { hook() }
    }

    func add(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    func remove(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    /// A command running on the profile's behalf, with its process group (its pid is the
    /// group's id): the whole group is stopped too if bundle is interrupted.
    func addChild(_ pid: Int32) {
        lock.lock()
        children.insert(pid)
        lock.unlock()
    }

    func removeChild(_ pid: Int32) {
        lock.lock()
        children.remove(pid)
        lock.unlock()
    }

    /// Whether `pid`'s group would be stopped on interrupt now.
    func hasChild(_ pid: Int32) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return children.contains(pid)
    }

    func removeAll() {
        lock.lock()
        let all = paths
        paths.removeAll()
        for pid in children { kill(-pid, SIGTERM) }
        lock.unlock()
        for path in all { LocalFileSystem.removeTree(path) }
    }

    func installSignalHandlers() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                interrupted = true
                lock.unlock()
                removeAll()
                runHooks()
                signal(number, SIG_DFL)
                kill(getpid(), number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
