import Foundation

/// The index record kept beside each snapshot (`snapshots/<id>.json`): what `snapshot list`
/// shows without opening any bundle. Written last, atomically: the snapshot's commit point.
public struct SnapshotRecord: Codable, Sendable, Equatable {
    /// Record format version; a missing one means 1. 1: the snapshot is `<id>.bundle`;
    /// 2: it is `<id>.header` plus objects.
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
    }
}
