import Foundation
import Testing

@testable import BundleKit

@Suite("snapshot ids")
struct SnapshotIDTests {
    @Test("ids sort by time, and within one second in creation order")
    func ids() throws {
        let date = Date(timeIntervalSince1970: 1_750_000_000)
        var made: [String] = []
        for _ in 0..<50 { made.append(try SnapshotStore.makeID(date, after: made)) }
        #expect(made == made.sorted())
        #expect(Set(made).count == 50)
        #expect(made.allSatisfy { $0.hasPrefix("20250615T150640Z-") && SnapshotStore.isValidID($0) })
        #expect(try SnapshotStore.makeID(date.addingTimeInterval(1), after: made).hasPrefix("20250615T150641Z-"))
    }
}
