import Testing

@testable import BundleKit

/// `bundle create` warns when what it writes is more than verify and restore read by default,
/// naming the option the target needs; nothing is said below the limits.
@Suite("create warns above the read limits")
struct ReadLimitWarningTests {
    @Test("above a limit: a warning naming the count or member and the option; at the limit: none")
    func warnings() {
        var limits = VerifyLimits()
        limits.maximumMemberCount = 10
        limits.maximumHeaderMemberSize = 1000
        let quiet = Capturer.readLimitWarnings(
            members: 10, headers: [(BundleLayout.manifest, 1000), (BundleLayout.checksums, 999)], limits: limits)
        #expect(quiet.isEmpty)
        let loud = Capturer.readLimitWarnings(
            members: 11, headers: [(BundleLayout.manifest, 1001), (BundleLayout.checksums, 1000)], limits: limits)
        #expect(loud == [
            "11 files, more than the 10 members verify and restore read by default: give them --max-members 11",
            "MANIFEST.json is 1001 bytes, more than the 1000 verify and restore read by default: give them --max-header-size 1001",
        ])
    }

    @Test("the defaults fit each other: a million entries of 4 KiB fit the header limit")
    func defaults() {
        let limits = VerifyLimits.standard
        #expect(Int64(limits.maximumMemberCount) * 4096 <= limits.maximumHeaderMemberSize)
    }
}
