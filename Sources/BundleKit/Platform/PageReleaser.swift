#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Lets the pages of every live `ScratchMapping` go, every `period`, on a thread of its own,
/// so the tables kept in them cost the resident set only what was touched since the last
/// pass: a pass through a table of a million entries holds a few hundred KiB of it at a time.
/// Waiting costs nothing while no mapping lives.
///
/// It keeps each mapping's address range, not the mapping: a pass must never retain one, or a
/// mapping whose last reference went on another thread (its `deinit` waiting here to
/// unregister) would be brought back and freed a second time on this thread, under the lock.
final class PageReleaser: @unchecked Sendable {
    static let shared = PageReleaser()
    /// Time between passes.
    static let period: TimeInterval = 0.005

    private let condition = NSCondition()
    private var ranges: [ObjectIdentifier: (start: UnsafeMutableRawPointer, length: Int)] = [:]
    private var started = false

    /// Passes now include the `length` bytes at `start`, mapped by `owner`, until `remove`.
    func add(_ owner: AnyObject, start: UnsafeMutableRawPointer, length: Int) {
        condition.lock()
        defer { condition.unlock() }
        ranges[ObjectIdentifier(owner)] = (start, length)
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "bundle.page-releaser"
            thread.start()
        }
        condition.signal()
    }

    /// Passes leave `owner`'s range alone from now on (a pass under way ends first), so it
    /// may be unmapped.
    func remove(_ owner: AnyObject) {
        condition.lock()
        ranges[ObjectIdentifier(owner)] = nil
        condition.unlock()
    }

    /// Lets every mapping's pages go now.
    func releaseAll() {
        condition.lock()
        defer { condition.unlock() }
        for range in ranges.values { _ = madvise(range.start, range.length, MADV_DONTNEED) }
    }

    private func run() {
        while true {
            condition.lock()
            while ranges.isEmpty { condition.wait() }
            condition.unlock()
            Thread.sleep(forTimeInterval: Self.period)
            releaseAll()
        }
    }
}
