/// The phases in which verify (and restore, diff and snapshot verify, which read a bundle the
/// same way) reports progress, in the order they run: the `phase` of `BundleEvent.progress`.
///
/// Each counts real bytes of one pass against a total known when the phase starts, never goes
/// back, and reaches its total only when its work is done: the front of a bundle of a million
/// files (a manifest of ~480 MB) takes seconds of its own before the first payload member, and
/// the payload's members are counted when they have been checked, not when their compressed
/// bytes were read (the inflaters read ahead of the checking).
public enum VerifyPhase {
    /// Reading `MANIFEST.json` out of the bundle (its bytes, of its size).
    public static let manifest = "manifest"
    /// Reading `SHA256SUMS` out of the bundle (its bytes, of its size).
    public static let checksums = "checksums"
    /// Decoding the manifest, indexing its entries, then reading `SHA256SUMS` against them and
    /// checking the two lists agree. The count runs to the two members' sizes together, each
    /// step weighed by its share of the time (`DecodeProgress`), so that the rate and time left
    /// hold from the start of the phase to its end.
    public static let decode = "decode"
    /// Checking the payload: bytes of the members' contents hashed and compared, of the bytes
    /// the manifest declares.
    public static let payload = "verify"
}

/// The `decode` phase's count. Its five steps go over the front at different speeds, so
/// each has its share of the total, as measured on 200,000 entries: the manifest's nesting
/// depth 5% and outline 10% (two quick skims), its entries 45%, indexing them 15%, reading
/// SHA256SUMS against them 25%. Within a step the count moves with the bytes (or entries) done.
/// It stops one short of its total until `finish()`, which the front calls once the lists
/// have been checked against each other.
struct DecodeProgress {
    /// The steps in order, with their shares in thousandths.
    enum Step: Int, CaseIterable {
        case depth, outline, entries, index, checksums

        var share: Int64 { [50, 100, 450, 150, 250][rawValue] }
        /// The shares of the steps before this one.
        var before: Int64 { Step.allCases.prefix(rawValue).reduce(0) { $0 + $1.share } }
    }

    private let manifestSize: Int
    private let checksumsSize: Int
    private let total: Int64
    private var last: Int64 = -1
    /// The skims seen so far (a position lower than the one before starts the next one),
    /// until the entries' decoding begins.
    private var skim = 0
    private var skimPosition = 0
    private var decoding = false
    private let onEvent: EventHandler?

    init(manifest: Int, checksums: Int, onEvent: EventHandler?) {
        manifestSize = manifest
        checksumsSize = checksums
        total = Int64(manifest) + Int64(checksums)
        self.onEvent = onEvent
    }

    /// Decoding starts: the phase's clock starts here.
    mutating func start() {
        report(.depth, done: 0, of: 1, item: BundleLayout.manifest)
    }

    /// A pass over MANIFEST.json reached byte `offset` (`release`, which every pass calls).
    mutating func passed(_ offset: Int) {
        guard !decoding else { return }
        if offset < skimPosition { skim += 1 }
        skimPosition = offset
        guard skim < 2 else { return }
        report(skim == 0 ? .depth : .outline, done: offset, of: manifestSize, item: BundleLayout.manifest)
    }

    /// The entries are decoded up to byte `offset` of MANIFEST.json.
    mutating func manifest(at offset: Int) {
        decoding = true
        report(.entries, done: offset, of: manifestSize, item: BundleLayout.manifest)
    }

    /// `done` of `count` entries are indexed by member.
    mutating func indexed(_ done: Int, of count: Int) {
        report(.index, done: done, of: count, item: BundleLayout.manifest)
    }

    /// SHA256SUMS is read up to byte `offset`.
    mutating func checksums(at offset: Int) {
        report(.checksums, done: offset, of: checksumsSize, item: BundleLayout.checksums)
    }

    /// The front is decoded and checked: the phase's last event.
    mutating func finish() {
        guard total > 0, last < total else { return }
        last = total
        onEvent?(.progress(phase: VerifyPhase.decode, completed: total, total: total, item: ""))
    }

    private mutating func report(_ step: Step, done: Int, of count: Int, item: String) {
        let fraction = count > 0 ? min(1, Double(done) / Double(count)) : 1
        let thousandths = Double(step.before) + Double(step.share) * fraction
        let completed = min(Int64(Double(total) * thousandths / 1000), total - 1)
        guard total > 0, completed > last else { return }
        last = completed
        onEvent?(.progress(phase: VerifyPhase.decode, completed: completed, total: total, item: item))
    }
}

/// The payload phase's count: bytes of members checked, one byte short of the total until the
/// reading has reached the end of the archive (`finish()`), so that 100% means every member
/// has been checked, the last ones included, even when they are empty.
struct PayloadProgress {
    let total: Int64
    /// Bytes of the members checked so far, and of the current one as it is hashed.
    private(set) var completed: Int64 = 0
    private var finished = false
    private let onEvent: EventHandler?

    init(total: Int64, onEvent: EventHandler?) {
        self.total = total
        self.onEvent = onEvent
    }

    /// `count` more bytes of `member` were hashed.
    mutating func checked(_ count: Int, of member: String) {
        completed += Int64(count)
        guard total > 0 else { return }
        onEvent?(.progress(phase: VerifyPhase.payload, completed: min(completed, total - 1), total: total, item: member))
    }

    /// Every member has been checked: the phase's 100% event (once).
    mutating func finish() {
        guard !finished else { return }
        finished = true
        onEvent?(.progress(phase: VerifyPhase.payload, completed: total, total: total, item: ""))
    }
}
