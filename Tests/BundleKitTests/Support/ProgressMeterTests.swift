import Foundation
import Testing

@testable import BundleKit

/// The progress line's numbers, computed from given times (no clock is read).
@Suite("progress: bytes, rate, time left")
struct ProgressMeterTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test("a line shows bytes done of total, percent, rate and time left")
    func midway() {
        let meter = ProgressMeter(phase: "verify", started: start)
        // 12 MiB of 40 MiB in 2 s: 6 MiB/s, 28 MiB left = 4.67 s, shown rounded up.
        let line = meter.line(completed: 12 << 20, total: 40 << 20, at: start.addingTimeInterval(2))
        #expect(line == "verify: 12.0 MiB of 40.0 MiB (30%), 6.0 MiB/s, 5 s left")
    }

    @Test("the last line says how long it took; the first, before any time passed, has no rate")
    func ends() {
        let meter = ProgressMeter(phase: "write", started: start)
        #expect(meter.line(completed: 0, total: 529, at: start) == "write: 0 B of 529 B (0%)")
        #expect(meter.line(completed: 529, total: 529, at: start.addingTimeInterval(0.5)) == "write: 529 B of 529 B (100%), 1.0 KiB/s, done in 1 s")
    }

    @Test("rate and time left", arguments: [
        (Int64(100), Int64(1000), 1.0, 100.0 as Double?, 9.0 as Double?),
        (0, 1000, 1.0, nil, nil),
        (100, 1000, 0.0, nil, nil),
        (1000, 1000, 4.0, 250.0, 0.0),
    ])
    func rates(completed: Int64, total: Int64, elapsed: Double, rate: Double?, left: Double?) {
        #expect(ProgressMeter.rate(completed: completed, elapsed: elapsed) == rate)
        #expect(ProgressMeter.remaining(completed: completed, total: total, elapsed: elapsed) == left)
    }

    @Test("durations and sizes read as people write them", arguments: [
        (0.2, "1 s"), (42.0, "42 s"), (185.0, "3 min 05 s"), (7620.0, "2 h 07 min"),
    ])
    func durations(seconds: Double, text: String) {
        #expect(ProgressMeter.duration(seconds) == text)
    }

    @Test("sizes and percents")
    func sizes() {
        #expect(ProgressMeter.bytes(512) == "512 B")
        #expect(ProgressMeter.bytes(1536) == "1.5 KiB")
        #expect(ProgressMeter.bytes(5 << 30) == "5.0 GiB")
        #expect(ProgressMeter.percent(1, 3) == 33)
        #expect(ProgressMeter.percent(0, 0) == 0)
        #expect(ProgressMeter.percent(5, 4) == 100)
    }
}
