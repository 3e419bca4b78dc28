import Foundation

extension RestoreJournal {
    /// A path's state before the restore, kept in the restore's safeguard snapshot (journal
    /// format 3, Formats/restore-journal.md): a file's content is the store object named by
    /// its SHA-256, a link's text is here; owner, mode and time are here for both, so a
    /// put-back copies the object out and never moves or links it (other snapshots may share it).
    public struct SavedOriginal: Codable, Sendable, Equatable {
        /// What the path was.
        public enum Kind: String, Codable, Sendable {
            /// A regular file: its bytes are the object `object`.
            case file
            /// A symbolic link with the text `link`.
            case link
        }

        /// File or link.
        public var kind: Kind
        /// A file's SHA-256 (lowercase hex): the object `STORE/objects/<2 hex>/<64 hex>`.
        public var object: String?
        /// A link's text.
        public var link: String?
        /// A file's size in bytes.
        public var size: Int64
        /// Permission bits, setuid, setgid and sticky included (a link's are not used).
        public var permissions: UInt32
        /// Owner user id.
        public var uid: UInt32
        /// Owner group id.
        public var gid: UInt32
        /// Modification time, seconds since 1970.
        public var mtime: Int64
        /// Nanoseconds past `mtime`.
        public var mtimeNanoseconds: Int32

        init(status: FileStatus, object: String?, link: String?) {
            kind = link == nil ? .file : .link
            self.object = object
            self.link = link
            size = status.size
            permissions = status.permissions
            uid = status.owner
            gid = status.group
            mtime = status.mtimeSeconds
            mtimeNanoseconds = status.mtimeNanoseconds
        }

        /// This value as the compact JSON object `JSONEncoder` would write (sorted keys, no nil).
        func append(to out: inout Data) {
            out.append(contentsOf: #"{"gid":\#(gid),"kind":"\#(kind.rawValue)""#.utf8)
            if let link {
                out.append(contentsOf: #","link":"#.utf8)
                JSONText.appendString(link, to: &out)
            }
            out.append(contentsOf: #","mtime":\#(mtime),"mtimeNanoseconds":\#(mtimeNanoseconds)"#.utf8)
            if let object {
                out.append(contentsOf: #","object":"#.utf8)
                JSONText.appendString(object, to: &out)
            }
            out.append(contentsOf: #","permissions":\#(permissions),"size":\#(size),"uid":\#(uid)}"#.utf8)
        }
    }
}
