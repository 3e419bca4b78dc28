import Foundation

/// Lets the pages of every live `ScratchMapping` go, every `period`, on a thread of its own,
/// so the tables kept in them cost the resident set only what was touched since the last
/// pass: a pass through a table of a million entries holds a few hundred KiB of it at a time.
/// Waiting costs nothing while no mapping lives.
final class PageReleaser: @unchecked Sendable {
    static let shared = PageReleaser()
    /// Time between passes.
    static let period: TimeInterval = 0.005

    private let condition = NSCondition()
    private var mappings: [ObjectIdentifier: Unmanaged<ScratchMapping>] = [:]
    private var started = false

    /// Passes now include `mapping` (until `remove`).
    func add(_ mapping: ScratchMapping) {
        condition.lock()
        defer { condition.unlock() }
        mappings[ObjectIdentifier(mapping)] = Unmanaged.passUnretained(mapping)
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "bundle.page-releaser"
            thread.start()
        }
        condition.signal()
    }

    /// Passes leave `mapping` alone from now on (a pass under way ends first).
    func remove(_ mapping: ScratchMapping) {
        condition.lock()
        mappings[ObjectIdentifier(mapping)] = nil
        condition.unlock()
    }

    /// Lets every mapping's pages go now.
    func releaseAll() {
        condition.lock()
        defer { condition.unlock() }
        for mapping in mappings.values { mapping.takeUnretainedValue().release() }
    }

    private func run() {
        while true {
            condition.lock()
            while mappings.isEmpty { condition.wait() }
            condition.unlock()
            Thread.sleep(forTimeInterval: Self.period)
            releaseAll()
        }
    }
}
