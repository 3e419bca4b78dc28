/// A stable sort for large tables kept in mapped scratch memory (`PagedArray`), where what
/// costs is touching pages all over the table, not comparing: a natural merge sort. It finds
/// the runs that are already in order and merges neighbouring runs, pass after pass, from the
/// elements into a buffer and back, every pass front to back. Elements that come nearly in
/// order (a capture's files, found folder by folder in member order) take one pass to check,
/// and a few runs (one per profile item) a few passes; nothing is ever compared at random.
enum RunMergeSort {
    /// Whether `elements` are already in order by `precedes`.
    static func isSorted<Element>(_ elements: UnsafeMutableBufferPointer<Element>, by precedes: (Element, Element) -> Bool) -> Bool {
        runEnd(elements, from: 0, by: precedes) == elements.count
    }

    /// Sorts `elements` by `precedes` (elements neither of which precedes the other keep their
    /// order), using `buffer` (at least as many elements, contents unused) to merge into.
    static func sort<Element>(
        _ elements: UnsafeMutableBufferPointer<Element>, buffer: UnsafeMutableBufferPointer<Element>, by precedes: (Element, Element) -> Bool
    ) {
        precondition(buffer.count >= elements.count, "a merge buffer smaller than the elements")
        let count = elements.count
        var source = elements, target = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
        while true {
            var start = 0, runs = 0
            while start < count {
                let middle = runEnd(source, from: start, by: precedes)
                let end = middle == count ? count : runEnd(source, from: middle, by: precedes)
                merge(source, start..<middle, middle..<end, into: target, by: precedes)
                runs += 1
                start = end
            }
            swap(&source, &target)
            if runs <= 1 { break }
        }
        // The last pass wrote into `source` (after the swap): make sure that is `elements`.
        if source.baseAddress != elements.baseAddress, count > 0 {
            _ = elements.update(fromContentsOf: source)
        }
    }

    /// Where the run in order that starts at `start` ends.
    private static func runEnd<Element>(_ elements: UnsafeMutableBufferPointer<Element>, from start: Int, by precedes: (Element, Element) -> Bool) -> Int {
        var end = start + 1
        while end < elements.count && !precedes(elements[end], elements[end - 1]) { end += 1 }
        return min(end, elements.count)
    }

    /// Merges two neighbouring runs of `source` into the same places of `target`; on a tie the left run's element first.
    private static func merge<Element>(
        _ source: UnsafeMutableBufferPointer<Element>, _ left: Range<Int>, _ right: Range<Int>, into target: UnsafeMutableBufferPointer<Element>,
        by precedes: (Element, Element) -> Bool
    ) {
        var l = left.lowerBound, r = right.lowerBound, out = left.lowerBound
        while l < left.upperBound && r < right.upperBound {
            if precedes(source[r], source[l]) {
                target[out] = source[r]
                r += 1
            } else {
                target[out] = source[l]
                l += 1
            }
            out += 1
        }
        while l < left.upperBound {
            target[out] = source[l]
            l += 1
            out += 1
        }
        while r < right.upperBound {
            target[out] = source[r]
            r += 1
            out += 1
        }
    }
}
