import BundleKit
import Foundation

/// An array of a `--json` document that `JSONStream` writes one element at a time, without
/// the encoder's tree of all of them: every `Array`, and the lists made as they are read
/// whose length is the number of files (a restore's files and the paths it wrote,
/// `StreamedList`; its plan's lines; a manifest's entries). Encoded by any other encoder it
/// is an ordinary array, the same bytes.
protocol StreamedJSONArray {
    /// True when there is no element (such an array is encoded in place, as `[]`).
    var isEmptyArray: Bool { get }
    /// Calls `body` with each element, in order.
    func forEachElement(_ body: (any Encodable) throws -> Void) throws
}

/// The elements of a sequence, made when the array is written: a `--json` key whose value is
/// a list that may have an element per file.
struct StreamedList<Element: Encodable>: Encodable, StreamedJSONArray {
    private let makeIterator: () -> AnyIterator<Element>

    /// The elements of `elements`, read each time the array is written.
    init<Elements: Sequence>(_ elements: Elements) where Elements.Element == Element {
        makeIterator = { AnyIterator(elements.makeIterator()) }
    }

    var isEmptyArray: Bool { makeIterator().next() == nil }

    func forEachElement(_ body: (any Encodable) throws -> Void) throws {
        let iterator = makeIterator()
        while let element = iterator.next() { try body(element) }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try forEachElement { try container.encode($0) }
    }
}

extension StreamedList: ExpressibleByArrayLiteral {
    init(arrayLiteral elements: Element...) {
        self.init(elements)
    }
}

/// Any array of a document: the lists a library keeps whole (an exact restore's removed
/// paths, a rollback's, a verification's problems) are written one element at a time too,
/// without the encoder's tree of them.
extension Array: StreamedJSONArray where Element: Encodable {
    var isEmptyArray: Bool { isEmpty }

    func forEachElement(_ body: (any Encodable) throws -> Void) throws {
        for element in self { try body(element) }
    }
}

/// A plan step's lines (one per file for the write and safeguard steps).
extension RestorePlan.Details: StreamedJSONArray {
    var isEmptyArray: Bool { isEmpty }

    func forEachElement(_ body: (any Encodable) throws -> Void) throws {
        for line in self { try body(line) }
    }
}

/// A manifest's entries (`inspect --json`).
extension ManifestEntries: StreamedJSONArray {
    var isEmptyArray: Bool { isEmpty }

    func forEachElement(_ body: (any Encodable) throws -> Void) throws {
        for entry in self { try body(entry) }
    }
}
