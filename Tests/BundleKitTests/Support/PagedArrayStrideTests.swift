import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// An element whose size is less than its stride (fields of 8 + 1 bytes: size 9, stride 16)
/// must still take a whole stride per append, in the heap and in a mapping.
@Suite("paged arrays of elements with padding")
struct PagedArrayStrideTests {
    struct Padded: Equatable {
        var value: Int64
        var flag: UInt8
    }

    @Test("appended one by one, elements with padding read back as they were", arguments: [false, true])
    func appendsWholeStrides(spills: Bool) throws {
        #expect(MemoryLayout<Padded>.size < MemoryLayout<Padded>.stride)
        let folder = try TemporaryDirectory("paged-stride")
        var array = PagedArray<Padded>(spillingTo: spills ? folder.url.path : nil, spillThreshold: 1 << 10)
        let expected = (0..<1_000).map { Padded(value: Int64($0) * 1_000_003, flag: UInt8(truncatingIfNeeded: $0)) }
        for element in expected { array.append(element) }
        #expect(array.isMapped == spills)
        #expect(array.count == expected.count)
        #expect(Array(array) == expected)
    }
}
