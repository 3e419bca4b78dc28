/// The manifest's record of one folder under a `directory` item (the item's own folder
/// included, empty ones too): what restore makes it, like `tar -p`. Folders have no payload
/// member; the signed manifest carries them. An optional addition to format 1: bundles
/// without `folders` restore as before (folders made on the way, 0755).
public struct FolderEntry: Codable, Sendable, Equatable {
    /// Destination with the profile's variables unresolved, e.g. `${AppDir}/spool`.
    public var target: String
    /// Id of the `directory` item it belongs to.
    public var item: String
    /// Permission bits as four octal digits, setgid and sticky included, e.g. `2750`.
    public var mode: String
    /// Modification time, whole seconds since 1970 (UTC).
    public var mtime: Int64
    /// Nanoseconds past `mtime`.
    public var mtimeNanoseconds: Int32
    /// The owner's user name on the source.
    public var owner: String?
    /// The owner's group name on the source.
    public var group: String?
    /// The owner's numeric user id on the source.
    public var uid: UInt32?
    /// The owner's numeric group id on the source.
    public var gid: UInt32?

    /// The record of a folder with `status` at `target`.
    init(target: String, item: String, status: FileStatus) {
        self.target = target
        self.item = item
        mode = ManifestEntry.octal(status.permissions)
        mtime = status.mtimeSeconds
        mtimeNanoseconds = status.mtimeNanoseconds
        (owner, group, uid, gid) = ManifestEntry.ownership(of: status)
    }

    /// The permission bits `mode` spells, or nil when it is not octal.
    public var permissions: UInt32? { ManifestEntry.permissions(mode) }
}
