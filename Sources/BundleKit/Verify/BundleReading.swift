import ArchiveIO

/// One read of a bundle file, front to back, in two stages (`Verifier.open()`):
///
/// 1. `readFront()`: the signature, SHA256SUMS and the manifest, checked against each other;
///    the report holds the manifest and every problem found so far. No payload byte is read.
/// 2. `streamPayload(into:)`: each payload member, hashed while it streams to the sink.
///
/// Between the two, restore plans the target and runs its preflight, so it refuses before it
/// writes anything and still reads the file once. The file is closed when the reading ends.
public final class BundleReading {
    private let verifier: Verifier
    /// Closes the bundle file (once the reader is closed).
    private var closeFile: (() -> Void)?
    private var reader: PaxReader?
    private var report: VerifyReport
    private var stage = Stage.opened

    private enum Stage {
        case opened
        /// The front is read; the payload is checked against `expectation`, or not read at all
        /// when it is nil (the front stopped the reading).
        case frontRead(Verifier.PayloadExpectation?)
        case done
    }

    init(verifier: Verifier, reader: PaxReader, closeFile: @escaping () -> Void) {
        self.verifier = verifier
        self.closeFile = closeFile
        self.reader = reader
        report = VerifyReport(bundle: verifier.bundle)
    }

    /// A reading that ends before it starts: the file opened but is not a bundle.
    init(verifier: Verifier, unreadable report: VerifyReport) {
        self.verifier = verifier
        self.report = report
        stage = .done
    }

    deinit { close() }

    /// The first stage: reads and checks the signed front. The report's manifest is to be
    /// trusted only when it has no problems. Reading it again returns the same report.
    public func readFront() -> VerifyReport {
        readFront(deferringChecks: false)
    }

    /// `readFront()`, leaving the front's self-consistency checks running beside the payload
    /// when `deferringChecks`: the report it returns then lacks their problems until
    /// `streamPayload(into:)` puts them in place. Only for a payload read without a sink.
    func readFront(deferringChecks: Bool) -> VerifyReport {
        guard case .opened = stage, let reader else { return report }
        stage = .frontRead(verifier.readFront(reader, into: &report, deferChecks: deferringChecks))
        return report
    }

    /// The member order of the front's manifest, as the front indexed it: nil until the
    /// front is read, and when it stopped the reading. Restore plans and stages in it.
    var memberIndex: MemberIndex? {
        guard case .frontRead(let expectation) = stage else { return nil }
        return expectation?.index
    }

    /// The second stage: reads the payload to its end and returns the whole report. `sink`
    /// receives each listed member's bytes only when the front had no problem (nothing reaches
    /// staging unless the signed front is sound). Throws only when the sink fails.
    public func streamPayload(into sink: PayloadSink?) throws -> VerifyReport {
        if case .opened = stage { _ = readFront() }
        guard case .frontRead(let expectation) = stage else { return report }
        stage = .done
        defer { close() }
        guard let expectation, let reader else { return report }
        var progress = PayloadProgress(total: expectation.payloadBytes, onEvent: verifier.onEvent)
        if let deferred = expectation.deferred {
            precondition(sink == nil, "the front's checks were deferred, so the payload may not reach a sink")
            defer { deferred.discard() }
            let reachedEnd = try verifier.streamPayload(reader, expectation, sink: nil, progress: &progress, into: &report)
            deferred.merge(into: &report)
            if reachedEnd { progress.finish() }
            return report
        }
        let reachedEnd = try verifier.streamPayload(reader, expectation, sink: report.problems.isEmpty ? sink : nil, progress: &progress, into: &report)
        if reachedEnd { progress.finish() }
        return report
    }

    /// Ends the reading: the reader first, then its descriptor.
    private func close() {
        reader?.close()
        reader = nil
        closeFile?()
        closeFile = nil
    }
}
