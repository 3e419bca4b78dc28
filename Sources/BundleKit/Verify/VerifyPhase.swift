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
    /// Decoding the manifest, then reading `SHA256SUMS` against its entries and checking the
    /// two lists agree, of the two members' sizes together. The manifest takes three passes (its
    /// nesting depth, its outline, then its entries); its part of the count weighs them by
    /// their share of the time (1/8, 1/8, 3/4), so the rate and time left hold from the start.
    public static let decode = "decode"
    /// Checking the payload: bytes of the members' contents hashed and compared, of the bytes
    /// the manifest declares.
    public static let payload = "verify"
}

/// The `decode` phase's count: the manifest's bytes as its three passes go over it (weighted:
/// the depth and outline skims 1/8 each, the entries 3/4), then SHA256SUMS's as its lines are
/// read against the entries. It stops one byte short of its total until `finish()`, which the
/// front calls once the lists have been checked against each other.
struct DecodeProgress {
    private let manifestSize: Int64
    private let total: Int64
    private var last: Int64 = -1
    /// The skims seen so far: a position lower than the one before starts the next one.
    private var skim = 0
    private var skimPosition = 0
    private var decoding = false
    private let onEvent: EventHandler?

    init(manifest: Int, checksums: Int, onEvent: EventHandler?) {
        manifestSize = Int64(manifest)
        total = Int64(manifest) + Int64(checksums)
        self.onEvent = onEvent
    }

    /// Decoding starts: the phase's clock starts here.
    mutating func start() {
        report(0, item: BundleLayout.manifest)
    }

    /// A pass over MANIFEST.json reached byte `offset` (`release`, which every pass calls).
    mutating func passed(_ offset: Int) {
        guard !decoding else { return }
        if offset < skimPosition { skim += 1 }
        skimPosition = offset
        guard skim < 2 else { return }
        report((Int64(skim) * manifestSize + Int64(offset)) / 8, item: BundleLayout.manifest)
    }

    /// The entries are decoded up to byte `offset` of MANIFEST.json.
    mutating func manifest(at offset: Int) {
        decoding = true
        report(manifestSize / 4 + Int64(offset) * 3 / 4, item: BundleLayout.manifest)
    }

    /// SHA256SUMS is read up to byte `offset`.
    mutating func checksums(at offset: Int) {
        report(manifestSize + Int64(offset), item: BundleLayout.checksums)
    }

    /// The front is decoded and checked: the phase's last event.
    mutating func finish() {
        guard total > 0, last < total else { return }
        last = total
        onEvent?(.progress(phase: VerifyPhase.decode, completed: total, total: total, item: ""))
    }

    private mutating func report(_ completed: Int64, item: String) {
        let completed = min(completed, total - 1)
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
