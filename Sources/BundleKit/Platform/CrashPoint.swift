import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test-only hook for crash-safety sweeps, like SQLite's crash tests: every durable step of
/// a restore, a rollback or a capture (a journal write, a rename, a safeguard copy, a service
/// call) calls `CrashPoint.reached`. In a debug build, `BUNDLE_CRASH_AT=N` makes the process
/// `_exit(86)` at the N-th point (no cleanup, no buffers flushed: as close to `kill -9` as a
/// process can do to itself), and `BUNDLE_CRASH_LOG=FILE` appends each point's number and
/// label, so a test can count the points and sweep them all. A release build compiles it out.
enum CrashPoint {
    /// The status a crash exits with.
    static let exitStatus: Int32 = 86

    #if DEBUG
        private static let settings: (target: Int?, log: String?) = {
            let environment = ProcessInfo.processInfo.environment
            return (environment["BUNDLE_CRASH_AT"].flatMap { Int($0) }, environment["BUNDLE_CRASH_LOG"])
        }()
        private static let counter = Counter()

        /// Counts this point; exits at once when it is the one `BUNDLE_CRASH_AT` names.
        static func reached(_ label: @autoclosure () -> String) {
            guard settings.target != nil || settings.log != nil else { return }
            let number = counter.next()
            if let log = settings.log {
                let line = "\(number) \(label())\n"
                let descriptor = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
                if descriptor >= 0 {
                    _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
                    close(descriptor)
                }
            }
            if number == settings.target { _exit(exitStatus) }
        }

        private final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var value = 0

            func next() -> Int {
                lock.lock()
                defer { lock.unlock() }
                value += 1
                return value
            }
        }
    #else
        @inline(__always)
        static func reached(_ label: @autoclosure () -> String) {}
    #endif
}
