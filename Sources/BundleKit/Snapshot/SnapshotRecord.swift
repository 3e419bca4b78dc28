import Foundation

/// The index record kept beside each snapshot (`snapshots/<id>.json`): what `snapshot list`
/// shows without opening any bundle. Written last, atomically: the snapshot's commit point.
public struct SnapshotRecord: Codable, Sendable, Equatable {
    /// Record format version; a missing one means 1. 1: the snapshot is `<id>.bundle`;
    /// 2: it is `<id>.header` plus objects; 3: a restore safeguard, `<id>.safeguard` (the
    /// original paths, `SafeguardIndex`) plus objects.
    public var version: Int = 1
    /// `YYYYMMDDTHHMMSSZ-xxxx`: sorts by creation time.
    public var id: String
    /// Creation time, `YYYY-MM-DDTHH:MM:SSZ`.
    public var created: String
    /// The profile id the snapshot was captured with.
    public var profile: String
    /// Free text given with `--label`.
    public var label: String?
    /// Size of the bundle file in bytes (version 2: the uncompressed assembled bundle).
    public var size: Int64
    /// SHA-256 of the whole bundle file (version 2: of the uncompressed assembled bundle,
    /// which rebuilds byte for byte).
    public var sha256: String
    /// How many files the snapshot holds.
    public var files: Int
    /// Key id (16 hex digits) of the key that signed it when not the store's
    /// (`snapshot create --sign-key`); its public key is `keys/signers/<signer>.pub`.
    public var signer: String?
    /// The age recipients its secrets are encrypted to when not the store's
    /// (`snapshot create --recipient`): restore and diff need one of their identities.
    public var recipients: [String]?
    /// A restore safeguard (version 3): the bundle whose restore it preceded.
    public var bundle: String?
    /// A restore safeguard: the `--root` of that restore.
    public var root: String?
    /// A restore safeguard: that restore's id (its journal's and restore log line's).
    public var restore: String?

    /// What a snapshot holds.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// A capture of a profile (`snapshot create`): versions 1 and 2.
        case capture
        /// What a restore replaced or removed, kept before it changed anything: version 3.
        case safeguard
    }

    /// A capture or a restore safeguard.
    public var kind: Kind { version >= 3 ? .safeguard : .capture }

    /// A record with every field given.
    public init(id: String, created: String, profile: String, label: String?, size: Int64, sha256: String, files: Int) {
        self.id = id
        self.created = created
        self.profile = profile
        self.label = label
        self.size = size
        self.sha256 = sha256
        self.files = files
    }

    /// Decodes a record; `version` and `files` may be missing (older or hand-made records),
    /// `signer` and `recipients` are there only when the snapshot was made with its own.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        id = try container.decode(String.self, forKey: .id)
        created = try container.decode(String.self, forKey: .created)
        profile = try container.decode(String.self, forKey: .profile)
        label = try container.decodeIfPresent(String.self, forKey: .label)
        size = try container.decode(Int64.self, forKey: .size)
        sha256 = try container.decode(String.self, forKey: .sha256)
        files = try container.decodeIfPresent(Int.self, forKey: .files) ?? 0
        signer = try container.decodeIfPresent(String.self, forKey: .signer)
        recipients = try container.decodeIfPresent([String].self, forKey: .recipients)
        bundle = try container.decodeIfPresent(String.self, forKey: .bundle)
        root = try container.decodeIfPresent(String.self, forKey: .root)
        restore = try container.decodeIfPresent(String.self, forKey: .restore)
    }

    private enum CodingKeys: String, CodingKey {
        case version, id, created, profile, label, size, sha256, files, signer, recipients, bundle, root, restore, kind
    }

    /// Encodes the record with its `kind` (`capture` or `safeguard`), which readers may ignore.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(id, forKey: .id)
        try container.encode(created, forKey: .created)
        try container.encode(profile, forKey: .profile)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encode(size, forKey: .size)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(files, forKey: .files)
        try container.encodeIfPresent(signer, forKey: .signer)
        try container.encodeIfPresent(recipients, forKey: .recipients)
        try container.encodeIfPresent(bundle, forKey: .bundle)
        try container.encodeIfPresent(root, forKey: .root)
        try container.encodeIfPresent(restore, forKey: .restore)
        try container.encode(kind, forKey: .kind)
    }
}
