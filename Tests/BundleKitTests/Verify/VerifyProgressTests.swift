import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Progress a person can trust: the front of a bundle (reading and decoding the manifest and
/// SHA256SUMS) moves in phases of its own, and the payload phase reaches 100% once, after the
/// last member has been checked, never while members read ahead are still being hashed.
@Suite("verify's progress: the front's phases, members counted when checked")
struct VerifyProgressTests {
    /// Counts the members a sink has been handed to the end.
    final class Counter: PayloadSink, @unchecked Sendable {
        private let lock = NSLock()
        private var ended = 0
        var count: Int { lock.withLock { ended } }
        func begin(_ entry: ManifestEntry) throws {}
        func write(_ bytes: UnsafeRawBufferPointer) throws {}
        func end(_ entry: ManifestEntry, intact: Bool) throws { lock.withLock { ended += 1 } }
    }

    /// Every progress event in order, with what `sample` said when it arrived.
    final class Events: @unchecked Sendable {
        struct Event: Equatable {
            let phase: String
            let completed: Int64
            let total: Int64
            let sample: Int
        }
        private let lock = NSLock()
        private var events: [Event] = []
        private let sample: @Sendable () -> Int

        init(sample: @escaping @Sendable () -> Int = { 0 }) { self.sample = sample }

        var handler: EventHandler {
            { [self] event in
                guard case .progress(let phase, let completed, let total, _) = event else { return }
                let seen = sample()
                lock.withLock { events.append(Event(phase: phase, completed: completed, total: total, sample: seen)) }
            }
        }

        var all: [Event] { lock.withLock { events } }

        func of(_ phase: String) -> [Event] { all.filter { $0.phase == phase } }

        /// The phases in the order they ran, each listed once.
        var order: [String] {
            all.map(\.phase).reduce(into: []) { order, phase in if order.last != phase { order.append(phase) } }
        }
    }

    /// Checks what every phase must hold: one total, counts that never go back, the total
    /// reached exactly once and only by the last event.
    func expectSound(_ events: [Events.Event], _ phase: String) {
        #expect(!events.isEmpty, "no \(phase) event")
        guard let total = events.first?.total else { return }
        #expect(events.allSatisfy { $0.total == total }, "\(phase): the total changed")
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.completed <= $1.completed }, "\(phase) went back: \(events.map(\.completed))")
        #expect(events.filter { $0.completed >= total }.count == 1, "\(phase): 100% not once: \(events.map(\.completed))")
        #expect(events.last?.completed == total, "\(phase) did not end at its total")
    }

    @Test("the payload's 100% comes once, last, when the sink has every member; counts never go back")
    func payloadCompletesAfterLastMember() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let counter = Counter()
        let events = Events(sample: { counter.count })
        let report = try Verifier(bundle: bundle, publicKey: tree.key.publicKey, onEvent: events.handler).run(sink: counter)
        #expect(report.isValid, "\(report.problems)")
        let payload = events.of(VerifyPhase.payload)
        expectSound(payload, VerifyPhase.payload)
        // The manifest declares the total: the bytes of the members' contents, all checked.
        #expect(payload.last?.total == report.bytesChecked)
        // When 100% was reported, every member had been checked and handed on, the last one
        // included; at every event before it, not all had.
        let members = report.manifest?.entries.filter { $0.link == nil }.count ?? -1
        #expect(counter.count == members && members == 8)
        #expect(payload.last?.sample == members)
        #expect(payload.dropLast().allSatisfy { $0.sample < members }, "\(payload)")
        #expect(events.order == [VerifyPhase.manifest, VerifyPhase.checksums, VerifyPhase.decode, VerifyPhase.payload])
    }

    @Test("without a sink (bundle verify) the same: 100% once, as the last event of all")
    func payloadWithoutSink() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let events = Events()
        let report = try Verifier(bundle: bundle, publicKey: tree.key.publicKey, onEvent: events.handler).run()
        #expect(report.isValid, "\(report.problems)")
        expectSound(events.of(VerifyPhase.payload), VerifyPhase.payload)
        #expect(events.all.last?.phase == VerifyPhase.payload && events.all.last?.completed == report.bytesChecked)
    }

    @Test("a payload cut short never reaches 100%")
    func truncatedNeverCompletes() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let bytes = try Data(contentsOf: URL(fileURLWithPath: bundle))
        try bytes.prefix(bytes.count * 3 / 4).write(to: URL(fileURLWithPath: bundle))
        let events = Events()
        let report = try Verifier(bundle: bundle, publicKey: tree.key.publicKey, onEvent: events.handler).run()
        #expect(report.problems.contains { $0.code == "truncated" }, "\(report.problems)")
        let payload = events.of(VerifyPhase.payload)
        #expect(!payload.isEmpty)
        #expect(payload.allSatisfy { $0.completed < $0.total }, "\(payload.map(\.completed))")
    }

    @Test("a large manifest: reading it, SHA256SUMS and decoding them move in phases of their own, before the payload")
    func frontPhases() throws {
        let tree = try SourceTree()
        // 3,000 more files: a MANIFEST.json over 1 MiB (read in several pieces, spooled) and
        // thousands of entries to decode.
        for number in 0..<3000 {
            try tree.root.write("opt/test/Templates/many/file-\(number).txt", "\(number)\n")
        }
        let bundle = try tree.capture().output
        let counter = Counter()
        let events = Events(sample: { counter.count })
        let report = try Verifier(bundle: bundle, publicKey: tree.key.publicKey, onEvent: events.handler).run(sink: counter)
        #expect(report.isValid, "\(report.problems)")
        #expect(events.order == [VerifyPhase.manifest, VerifyPhase.checksums, VerifyPhase.decode, VerifyPhase.payload])
        for phase in [VerifyPhase.manifest, VerifyPhase.checksums, VerifyPhase.decode, VerifyPhase.payload] {
            expectSound(events.of(phase), phase)
        }
        let manifest = events.of(VerifyPhase.manifest)
        let checksums = events.of(VerifyPhase.checksums)
        let decode = events.of(VerifyPhase.decode)
        let manifestSize = try #require(manifest.first?.total)
        #expect(manifestSize > 1 << 20)
        // Moving: several steps while MANIFEST.json is read and while it is decoded, every one
        // of them before any payload member was checked.
        #expect(manifest.count >= 2, "\(manifest.map(\.completed))")
        #expect(decode.first?.completed == 0, "decoding starts its clock at 0, before the manifest's first quick passes")
        #expect(Set(decode.map(\.completed)).count >= 5, "\(decode.map(\.completed))")
        #expect(decode.first?.total == manifestSize + (checksums.first?.total ?? 0))
        #expect((manifest + checksums + decode).allSatisfy { $0.sample == 0 })
        #expect(events.of(VerifyPhase.payload).last?.sample == 3008)
    }
}
