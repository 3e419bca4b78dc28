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
            return "\(path): cannot read (\(errno))."
        case .cannotWrite(let path, let errno):
            return "\(path): cannot write (\(errno))."
        case .changedWhileReading(let path, let expected):
            return "\(path): changed while it was read (expected \(expected) bytes)."
        case .folderMissing(let path, let folder):
            return "\(path): cannot write it, the folder \(folder) does not exist (or is not a folder)."
        case .alreadyExists(let path):
            return "\(path) already exists."
        case .notEnoughSpace(let path, let needed, let available):
            return "\(path): the file system has \(available) bytes free, the restore needs \(needed) (staging and files); nothing was written."
        case .lockTimedOut(let path, let seconds):
            return "\(path): still locked by another bundle command after \(Int(seconds)) s."
        }
    }
}
