/// Receives each expected payload member's bytes while the verifier hashes them, so restore
/// stages files in the same single pass that verifies them.
public protocol PayloadSink: AnyObject {
    /// A listed member starts.
    func begin(_ entry: ManifestEntry) throws
    /// Some of its bytes (not yet known to be intact).
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// The member ended; `intact` is false when its size or digest was wrong.
    func end(_ entry: ManifestEntry, intact: Bool) throws
}
