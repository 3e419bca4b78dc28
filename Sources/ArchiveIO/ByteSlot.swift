/// A grow-only buffer, reused from job to job so that memory stays what the largest job
/// needed (malloc'ing a new one per member or frame on worker threads left freed megabytes
/// resident in each thread's arena).
final class ByteSlot: @unchecked Sendable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Bytes in use.
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Makes room for at least `needed` bytes (the contents are not kept).
    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        base.deallocate()
        capacity = needed
        base = .allocate(byteCount: needed, alignment: 16)
    }

    /// Doubles the room, keeping the first `kept` bytes.
    func grow(keeping kept: Int) {
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
        bigger.copyMemory(from: base, byteCount: kept)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Copies as much of `bytes` as fits in the room left (it does not grow); returns how many.
    func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let taken = min(bytes.count, capacity - count)
        if taken > 0, let source = bytes.baseAddress {
            (base + count).copyMemory(from: source, byteCount: taken)
            count += taken
        }
        return taken
    }

    /// Replaces the contents with `bytes`, growing if needed.
    func assign(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        count = 0
        _ = append(bytes)
    }
}
