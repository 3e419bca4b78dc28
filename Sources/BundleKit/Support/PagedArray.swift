/// An array of plain values for tables that grow with the number of files: like `Array`, a
/// value with copy on write, but given a scratch folder it keeps its elements in a
/// `ScratchMapping` once they take 4 MiB, so they leave the resident set behind the code that
/// reads or writes them (`PageReleaser`; a loop over the elements lets them go itself). Only
/// what a table needs: appends, element access, and the bytes as one buffer.
struct PagedArray<Element: BitwiseCopyable>: Sendable {
    private var storage: PagedStorage

    /// No elements; kept in the heap unless `folder` is given.
    init(spillingTo folder: String? = nil, spillThreshold: Int = PagedStorage.defaultSpillThreshold) {
        storage = PagedStorage(folder: folder, spillThreshold: spillThreshold)
    }

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int, spillingTo folder: String? = nil, spillThreshold: Int = PagedStorage.defaultSpillThreshold) {
        self.init(spillingTo: folder, spillThreshold: spillThreshold)
        storage.appendZeros(count * Self.stride)
        // The bytes are zeros already: written again only for another value.
        let isZero = Swift.withUnsafeBytes(of: value) { $0.allSatisfy { $0 == 0 } }
        if !isZero { withUnsafeMutableBufferPointer { $0.update(repeating: value) } }
    }

    private static var stride: Int { MemoryLayout<Element>.stride }

    var count: Int { storage.count / Self.stride }
    var isEmpty: Bool { storage.count == 0 }
    var indices: Range<Int> { 0..<count }
    /// Whether the elements live in a scratch file's mapping.
    var isMapped: Bool { storage.isMapped }
    /// Where they go once they take `spillThreshold` bytes (nil: they stay in the heap).
    var scratchFolder: String? { storage.folder }

    subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < count, "PagedArray index out of range")
            return storage.base!.load(fromByteOffset: position * Self.stride, as: Element.self)
        }
        set {
            precondition(position >= 0 && position < count, "PagedArray index out of range")
            makeUnique()
            storage.base!.storeBytes(of: newValue, toByteOffset: position * Self.stride, as: Element.self)
        }
    }

    mutating func reserveCapacity(_ count: Int) {
        makeUnique()
        storage.reserve(count * Self.stride)
    }

    mutating func append(_ element: Element) {
        makeUnique()
        // A whole stride: `withUnsafeBytes(of:)` gives only the value's size, without the
        // padding after it.
        storage.appendZeros(Self.stride)
        storage.base!.storeBytes(of: element, toByteOffset: storage.count - Self.stride, as: Element.self)
    }

    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        makeUnique()
        storage.append(UnsafeRawBufferPointer(elements))
    }

    mutating func append(contentsOf elements: [Element]) {
        elements.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Takes the elements' pages out of the resident set now, when they are mapped (a pass
    /// that sweeps a table faster than `PageReleaser`'s period calls this as it goes).
    func releasePages() {
        storage.releasePages()
    }

    /// Removes and returns the last element.
    mutating func removeLast() -> Element {
        let last = self[count - 1]
        makeUnique()
        storage.count -= Self.stride
        return last
    }

    mutating func swapAt(_ i: Int, _ j: Int) {
        let first = self[i]
        self[i] = self[j]
        self[j] = first
    }

    /// Replaces the elements in `range` (rebuilt whole: for the rare edit, not for loops).
    mutating func replaceSubrange(_ range: Range<Int>, with elements: [Element]) {
        var all = Array(self)
        all.replaceSubrange(range, with: elements)
        var rebuilt = PagedArray(spillingTo: storage.folder, spillThreshold: storage.spillThreshold)
        rebuilt.append(contentsOf: all)
        self = rebuilt
    }

    /// Calls `body` with the elements' bytes, in order.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
    }

    /// Calls `body` with the elements, to change them in place (e.g. to sort them).
    mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
        makeUnique()
        let start = storage.base?.assumingMemoryBound(to: Element.self)
        return try body(UnsafeMutableBufferPointer(start: start, count: count))
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}

extension PagedArray: RandomAccessCollection {
    var startIndex: Int { 0 }
    var endIndex: Int { count }

    /// The elements in order; a mapping's pages leave the resident set behind the iteration
    /// (`PageSweep`), which reads faster than `PageReleaser`'s period.
    func makeIterator() -> Iterator {
        let storage = storage
        return Iterator(array: self, positions: PageSweep(indices, release: isMapped ? { storage.releasePages() } : nil).makeIterator())
    }

    struct Iterator: IteratorProtocol {
        fileprivate let array: PagedArray
        fileprivate var positions: PageSweep.Iterator

        mutating func next() -> Element? {
            positions.next().map { array[$0] }
        }
    }
}

extension PagedArray where Element == UInt8 {
    /// Appends bytes.
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        makeUnique()
        storage.append(bytes)
    }
}
