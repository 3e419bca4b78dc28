import SystemPackage

/// `FileSystemError`'s codes, hints and files (see `DiagnosableError`).
extension FileSystemError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case cannotRead = "file-cannot-read"
        case cannotWrite = "file-cannot-write"
        case changedWhileReading = "file-changed-while-reading"
        case folderMissing = "file-folder-missing"
        case alreadyExists = "file-already-exists"
        case notEnoughSpace = "file-not-enough-space"
        case lockTimedOut = "lock-timed-out"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .cannotRead: .cannotRead
        case .cannotWrite: .cannotWrite
        case .changedWhileReading: .changedWhileReading
        case .folderMissing: .folderMissing
        case .alreadyExists: .alreadyExists
        case .notEnoughSpace: .notEnoughSpace
        case .lockTimedOut: .lockTimedOut
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .cannotRead: return "Check that it exists and that you may read it."
        case .cannotWrite: return "Check free space, permissions and that the folder exists."
        case .changedWhileReading: return "Stop the product's service (or use --stop-services) and capture again."
        case .folderMissing(_, let folder): return "Create it first (mkdir -p \(folder)) or choose another path."
        case .alreadyExists: return "Choose another name or remove it first."
        case .notEnoughSpace: return "Free some space or restore under another --root."
        case .lockTimedOut: return "Wait for it to finish, or pass a longer --lock-timeout."
        }
    }

    public var file: String? {
        switch self {
        case .cannotRead(let path, _), .cannotWrite(let path, _), .changedWhileReading(let path, _), .folderMissing(let path, _),
            .alreadyExists(let path), .notEnoughSpace(let path, _, _), .lockTimedOut(let path, _):
            return path
        }
    }

    public var cause: (any Error)? {
        switch self {
        case .cannotRead(_, let errno), .cannotWrite(_, let errno): return errno
        default: return nil
        }
    }
}

/// `PathError`'s codes, hints and files.
extension PathError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case notAbsolute = "path-not-absolute"
        case climbs = "path-climbs"
        case invalidCharacters = "path-invalid-characters"
        case invalidMember = "path-invalid-member"
        case symlinkInPath = "path-symlink-in-path"
        case rootMissing = "path-root-missing"
        case rootNotAFolder = "path-root-not-a-folder"
        case tooLong = "path-too-long"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .notAbsolute: .notAbsolute
        case .climbs: .climbs
        case .invalidCharacters: .invalidCharacters
        case .invalidMember: .invalidMember
        case .symlinkInPath: .symlinkInPath
        case .rootMissing: .rootMissing
        case .rootNotAFolder: .rootNotAFolder
        case .tooLong: .tooLong
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .notAbsolute: return "Set the variable it is built from with --var NAME=/absolute/path."
        case .climbs, .invalidCharacters, .invalidMember: return "Do not restore this bundle; get one made by bundle create."
        case .symlinkInPath: return "Replace it with a real folder, fix its owner or permissions, or restore under another --root."
        case .rootMissing: return "Check the path: it is the folder the files are read under (/ for this machine, or where the old disk is mounted)."
        case .rootNotAFolder: return "Give the folder the target's files live under: / for this machine (the default), or where its disk is mounted."
        case .tooLong: return "Choose a shorter --root or variable value (--var)."
        }
    }

    public var file: String? {
        switch self {
        case .notAbsolute(let path), .climbs(let path), .invalidCharacters(let path), .symlinkInPath(let path, _), .rootMissing(let path),
            .rootNotAFolder(let path), .tooLong(let path):
            return path
        case .invalidMember(let member): return member
        }
    }
}

/// `CommandError`'s codes, hints and files.
extension CommandError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case cannotStart = "command-cannot-start"
        case failed = "command-failed"
        case timedOut = "command-timed-out"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .cannotStart: .cannotStart
        case .failed: .failed
        case .timedOut: .timedOut
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .cannotStart: return "Check the path (set it with --var) and that it is executable."
        case .failed: return "Read the command's output above; run it by hand to see what it needs."
        case .timedOut: return "Raise the step's timeout in the profile if the product needs longer."
        }
    }

    public var file: String? {
        switch self {
        case .cannotStart(let command, _), .failed(let command, _, _), .timedOut(let command, _): return command.first
        }
    }
}

extension Errno: DiagnosableError {
    /// `errno` for every value: the system's own reason, as the cause of a `FileSystemError`;
    /// its message names it (`Permission denied`).
    public var code: String { "errno" }

    public var hint: String? { nil }
}
