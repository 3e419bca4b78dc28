/// The bundle file, format version 1: a pax tar stream (gzip, zstd or uncompressed) whose
/// members come in this order:
///
/// 1. `MANIFEST.json`: what was captured, from where, with which profile, and where it goes;
/// 2. `SHA256SUMS`: BSD-style `SHA256 (member) = hex` lines for the manifest and every payload member;
/// 3. `SHA256SUMS.minisig`: a minisign signature of `SHA256SUMS`;
/// 4. `files/<item>/<relative path>`: the payload, sorted by member path.
///
/// Words used in this folder: a *member* is one entry of the tar stream; an *entry* is the
/// manifest's record of a payload member; a *target template* is the destination path with
/// the profile's `${Variables}` still in it.
public enum BundleLayout {
    /// The format version this build writes and the highest it reads.
    public static let formatVersion = 1
    /// First member.
    public static let manifest = "MANIFEST.json"
    /// Second member.
    public static let checksums = "SHA256SUMS"
    /// Third member.
    public static let signature = "SHA256SUMS.minisig"
    /// Prefix of every payload member.
    public static let payloadPrefix = "files/"
    /// The mode of MANIFEST.json, SHA256SUMS and SHA256SUMS.minisig in their tar headers.
    static let headerMemberPermissions = FilePermissions.everyoneReads
    /// The mode of an encrypted (`.age`) member in its tar header, whatever the file's was.
    static let encryptedMemberPermissions = FilePermissions.ownerOnly

    /// The order of payload members: bytewise on their UTF-8 names, the same on every platform.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
