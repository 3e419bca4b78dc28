import Testing
import TestSupport

@testable import BundleKit

/// The merge sort of runs must give what a stable sort gives, whatever the input: in order,
/// nearly in order, reversed, in a few runs, with ties, empty.
@Suite("run merge sort")
struct RunMergeSortTests {
    /// A key to sort by and where the element started, to see that ties keep their order.
    struct Element: Equatable {
        var key: Int
        var position: Int
    }

    static func inputs(seed: UInt64) -> [[Int]] {
        var random = SeededBytes(seed: seed)
        let sorted = Array(0..<2_000)
        var nearly = sorted
        for _ in 0..<20 { nearly.swapAt(Int(random.next() % 2_000), Int(random.next() % 2_000)) }
        let runs = (0..<7).flatMap { run in (0..<300).map { $0 * 7 + run } }
        let ties = (0..<3_000).map { _ in Int(random.next() % 10) }
        let shuffled = (0..<5_000).map { _ in Int(random.next() % 100_000) }
        return [[], [1], [2, 1], sorted, nearly, Array(sorted.reversed()), runs, ties, shuffled]
    }

    @Test("sorts like a stable sort, ties in their first order", arguments: [1, 2])
    func sortsStably(seed: UInt64) {
        for keys in Self.inputs(seed: seed) {
            var elements = keys.enumerated().map { Element(key: $0.element, position: $0.offset) }
            // Swift's sort is not promised stable: order ties by position by hand.
            let expected = elements.sorted { ($0.key, $0.position) < ($1.key, $1.position) }
            var buffer = [Element](repeating: Element(key: -1, position: -1), count: elements.count + 3)
            let precedes = { (lhs: Element, rhs: Element) in lhs.key < rhs.key }
            let wasSorted = elements.withUnsafeMutableBufferPointer { RunMergeSort.isSorted($0, by: precedes) }
            #expect(wasSorted == (elements == expected))
            elements.withUnsafeMutableBufferPointer { elements in
                buffer.withUnsafeMutableBufferPointer { RunMergeSort.sort(elements, buffer: $0, by: precedes) }
            }
            #expect(elements == expected, "\(keys.count) keys")
        }
    }

    @Test("input in order takes one pass of comparisons; a few runs, a few passes")
    func comparisons() {
        var counted = 0
        let precedes = { (lhs: Int, rhs: Int) -> Bool in
            counted += 1
            return lhs < rhs
        }
        var sorted = Array(0..<10_000)
        #expect(sorted.withUnsafeMutableBufferPointer { RunMergeSort.isSorted($0, by: precedes) })
        #expect(counted == 9_999)
        // Four runs: two passes, each finding the runs (n comparisons) and merging (< n).
        var runs = (0..<4).flatMap { run in (0..<2_500).map { $0 * 4 + run } }
        var buffer = [Int](repeating: 0, count: runs.count)
        counted = 0
        runs.withUnsafeMutableBufferPointer { runs in buffer.withUnsafeMutableBufferPointer { RunMergeSort.sort(runs, buffer: $0, by: precedes) } }
        #expect(runs == sorted)
        #expect(counted < 5 * 10_000)
    }
}
