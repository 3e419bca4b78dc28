/// A destination path that bundle refuses to write, whatever the bundle's signature says.
public enum PathError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The resolved path is not absolute for its OS (`/x` on Linux, `C:\x` on Windows).
    case notAbsolute(path: String)
    /// The path contains `..`, which could climb out of the target root.
    case climbs(path: String)
    /// The path contains a NUL byte, a backslash on a POSIX system, or an empty name.
    case invalidCharacters(path: String)
    /// A member path is not `files/<item>/<relative path>`.
    case invalidMember(member: String)
    /// A folder on the way to `path` is the symbolic link `link`, which bundle does not follow
    /// because it could redirect the write (`TrustedLink`: not made by root or the restoring
    /// user, in a folder others can write, or leading outside the root; or a link the bundle
    /// itself makes). When a walk cannot tell the destination, `path` is the link on the way,
    /// and `link` the one that broke the rule further down a chain of links.
    case symlinkInPath(path: String, link: String)
    /// The `--root` folder does not exist.
    case rootMissing(path: String)
    /// The `--root` is a file (or another non-folder).
    case rootNotAFolder(path: String)
    /// A name longer than the file system allows.
    case tooLong(path: String)

    /// A message naming the path and what to do.
    public var description: String {
        switch self {
        case .notAbsolute(let path):
            return "\(path): the resolved target path is not absolute."
        case .climbs(let path):
            return "\(path): the path contains '..' and could leave the target root; bundle refuses it."
        case .invalidCharacters(let path):
            return "\(path): the path holds a NUL byte, a backslash or an empty name; bundle refuses it."
        case .invalidMember(let member):
            return "\(member): not a payload member path (files/<item>/<path>); the bundle is damaged or hostile."
        case .symlinkInPath(let path, let link):
            return "\(path): \(link) on the way is a symbolic link that bundle does not follow, which could redirect the write. A link on the way is followed only when it and every folder on its way belong to root or the restoring user, none writable by group or others, and it leads to a folder inside the root."
        case .rootMissing(let path):
            return "--root \(path) does not exist. Nothing was done."
        case .rootNotAFolder(let path):
            return "--root \(path) is a file, not a folder. Nothing was done."
        case .tooLong(let path):
            return "\(path.prefix(80))...: the path is longer than the file system allows."
        }
    }
}
