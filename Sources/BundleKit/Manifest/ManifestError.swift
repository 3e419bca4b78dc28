/// Problems with the manifest or the checksum list as text, before any payload is looked at.
public enum ManifestError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `MANIFEST.json` is not the JSON this format expects; `cause` is the decoder's error.
    case malformedManifest(String, cause: ErrorCause? = nil)
    /// The bundle was written by a newer format than this build reads.
    case unsupportedVersion(found: Int, supported: Int)
    /// A `SHA256SUMS` line is not `SHA256 (member) = <64 hex digits>`.
    case malformedChecksumLine(line: Int, text: String)
    /// The same member appears twice in `SHA256SUMS`.
    case duplicateChecksum(member: String)
    /// `MANIFEST.json` nests arrays and objects deeper than bundle decodes.
    case tooDeeplyNested(limit: Int)

    /// A message naming the problem and what to do.
    public var description: String {
        switch self {
        case .malformedManifest(let reason, _):
            return "MANIFEST.json cannot be read (\(reason)). The bundle is damaged or not a bundle."
        case .unsupportedVersion(let found, let supported):
            return "MANIFEST.json is format version \(found), this bundle reads up to \(supported)."
        case .malformedChecksumLine(let line, let text):
            return "SHA256SUMS line \(line) is not 'SHA256 (member) = hex': \(text.prefix(120)). The bundle is damaged."
        case .duplicateChecksum(let member):
            return "SHA256SUMS lists \(member) twice. The bundle is damaged or was tampered with."
        case .tooDeeplyNested(let limit):
            return "MANIFEST.json nests arrays or objects more than \(limit) deep; a manifest never does. The bundle is damaged or hostile."
        }
    }
}
