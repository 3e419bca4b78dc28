import Testing

@testable import BundleKit

@Suite("snapshot retention policy")
struct RetentionPolicyTests {
    @Test("durations: a whole number and s, m, h, d or w")
    func durations() throws {
        #expect(try RetentionPolicy.duration("30m") == 1800)
        #expect(try RetentionPolicy.duration("12h") == 43_200)
        #expect(try RetentionPolicy.duration("7d") == 604_800)
        #expect(try RetentionPolicy.duration("2w") == 1_209_600)
        #expect(try RetentionPolicy.duration("45s") == 45)
        for bad in ["", "7", "d", "-1d", "+1d", "1.5h", "3y", "1 d"] {
            #expect(throws: SnapshotError.invalidDuration(bad)) { try RetentionPolicy.duration(bad) }
        }
    }
}
