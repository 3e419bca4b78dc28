import SystemPackage

/// A file operation that failed, with the path it was about and the system's reason.
public enum FileSystemError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Opening, reading or inspecting failed.
    case cannotRead(path: String, errno: Errno)
    /// Creating, writing, renaming or syncing failed.
    case cannotWrite(path: String, errno: Errno)
    /// The file's size changed between inspection and reading.
    case changedWhileReading(path: String, expected: Int64)
    /// The folder an output is to be written in (`folder`) does not exist or is not a folder.
    case folderMissing(path: String, folder: String)
    /// The output already exists and overwriting was not asked for.
    case alreadyExists(path: String)
    /// The file system holding `path` has less room than the restore needs.
    case notEnoughSpace(path: String, needed: Int64, available: Int64)
    /// Another process still held the lock file when the wait ran out.
    case lockTimedOut(path: String, seconds: Double)

    /// A message naming the file and what to do.
    public var description: String {
        switch self {
        case .cannotRead(let path, let errno):
            return "\(path): cannot read (\(errno)). Check that it exists and that you may read it."
        case .cannotWrite(let path, let errno):
            return "\(path): cannot write (\(errno)). Check free space, permissions and that the folder exists."
        case .changedWhileReading(let path, let expected):
            return "\(path): changed while it was read (expected \(expected) bytes). Stop the product's service (or use --stop-services) and capture again."
        case .folderMissing(let path, let folder):
            return "\(path): cannot write it, the folder \(folder) does not exist (or is not a folder). Create it first (mkdir -p \(folder)) or choose another path."
        case .alreadyExists(let path):
            return "\(path) already exists. Choose another name or remove it first."
        case .notEnoughSpace(let path, let needed, let available):
            return "\(path): the file system has \(available) bytes free, the restore needs \(needed) (staging and files); nothing was written. Free some space or restore under another --root."
        case .lockTimedOut(let path, let seconds):
            return "\(path): still locked by another bundle command after \(Int(seconds)) s. Wait for it to finish, or pass a longer --lock-timeout."
        }
    }
}
