import Foundation

/// The bytes behind a `PagedArray`: in the heap, or, once they reach `spillThreshold` and a
/// scratch folder was given, in a `ScratchMapping` (and back in the heap if that cannot grow).
final class PagedStorage: @unchecked Sendable {
    /// Where the bytes start (nil before the first).
    private(set) var base: UnsafeMutableRawPointer?
    /// Bytes in use.
    var count = 0
    /// Bytes usable without moving.
    private(set) var capacity = 0
    /// Where a mapping's file goes; nil keeps everything in the heap.
    let folder: String?
    /// The size from which the bytes move to a mapping.
    let spillThreshold: Int
    private var mapping: ScratchMapping?
    /// In a mapping, the bytes from here on have never been written (the most `count` has
    /// been): the scratch file's zeros, so appending zeros there touches nothing.
    private var unwritten = 0

    /// The least address space a mapping reserves: what it can grow to before it moves.
    let minimumReservation: Int

    /// 4 MiB: below, a table costs the heap little and a scratch file is not worth opening.
    static let defaultSpillThreshold = 1 << 22

    init(folder: String?, spillThreshold: Int = PagedStorage.defaultSpillThreshold, minimumReservation: Int = 1 << 28) {
        self.folder = folder
        self.spillThreshold = spillThreshold
        self.minimumReservation = minimumReservation
    }

    deinit {
        if mapping == nil { free(base) }
    }

    /// Whether the bytes are in a scratch file's mapping.
    var isMapped: Bool { mapping != nil }

    /// Takes the mapping's pages out of the resident set (nothing for bytes in the heap).
    func releasePages() {
        mapping?.release()
    }

    /// A storage of its own with the same bytes (and the same way of keeping them).
    func copy() -> PagedStorage {
        let copy = PagedStorage(folder: folder, spillThreshold: spillThreshold, minimumReservation: minimumReservation)
        copy.reserve(count)
        if count > 0, let base, let target = copy.base { target.copyMemory(from: base, byteCount: count) }
        copy.count = count
        copy.unwritten = count
        return copy
    }

    /// Room for `bytes` without moving; may move the bytes into a mapping.
    func reserve(_ bytes: Int) {
        guard bytes > capacity else { return }
        if let mapping {
            if mapping.grow(to: bytes) {
                capacity = mapping.capacity
                return
            }
            // Past its reservation: a larger mapping, or the heap if none can be made.
            if !moveToMapping(capacity: bytes) { moveToHeap(capacity: bytes) }
            return
        }
        if bytes >= spillThreshold, moveToMapping(capacity: bytes) { return }
        guard let grown = realloc(base, bytes) else { fatalError("out of memory: \(bytes) bytes") }
        base = grown
        capacity = bytes
    }

    /// Appends `bytes`, growing by half as much again when full.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if count + bytes.count > capacity { reserve(max(count + bytes.count, capacity + capacity / 2, 64)) }
        (base! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
        unwritten = max(unwritten, count)
    }

    /// Appends `bytes` zero bytes.
    func appendZeros(_ bytes: Int) {
        guard bytes > 0 else { return }
        if count + bytes > capacity { reserve(max(count + bytes, capacity + capacity / 2, 64)) }
        // A mapping's never-written bytes are zeros already, and writing them would bring a
        // table's worth of pages into the resident set at once.
        let dirty = mapping == nil ? bytes : min(bytes, max(unwritten - count, 0))
        (base! + count).initializeMemory(as: UInt8.self, repeating: 0, count: dirty)
        count += bytes
        unwritten = max(unwritten, count)
    }

    /// Moves the bytes into a new mapping of `bytes` (reserving four times as much), copied a
    /// mebibyte at a time and let go behind the copy; false, with nothing changed, when there
    /// is no folder or the mapping cannot be made.
    private func moveToMapping(capacity bytes: Int) -> Bool {
        guard let folder, let new = try? ScratchMapping(in: folder, capacity: bytes, reserving: max(bytes * 4, minimumReservation)) else {
            return false
        }
        if let base {
            let chunk = 1 << 20
            for start in stride(from: 0, to: count, by: chunk) {
                (new.base + start).copyMemory(from: base + start, byteCount: min(chunk, count - start))
                mapping?.release()
                new.release()
            }
            if mapping == nil { free(base) }
        }
        mapping = new
        base = new.base
        capacity = new.capacity
        unwritten = count
        return true
    }

    private func moveToHeap(capacity bytes: Int) {
        guard let moved = malloc(bytes) else { fatalError("out of memory: \(bytes) bytes") }
        if let base { moved.copyMemory(from: base, byteCount: count) }
        mapping = nil
        base = moved
        capacity = bytes
    }
}
