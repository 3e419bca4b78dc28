import SystemPackage

/// Paths on this machine (not member paths inside a bundle, which always use `/`): joined,
/// tested and split in one place, so that a Windows port changes the separator and the
/// absolute test here and not in the phases. Whether a path is absolute is swift-system's
/// `FilePath` answer, which knows `C:\` and `\\server\share` on Windows.
public enum HostPath {
    /// The separator this machine writes between components.
    public static var separator: String {
        #if os(Windows)
            return "\\"
        #else
            return "/"
        #endif
    }

    /// `name` (one component, or a relative path in `/` form) inside the folder `base`.
    public static func join(_ base: String, _ name: String) -> String {
        base.hasSuffix(separator) ? base + name : base + separator + name
    }

    /// True when `path` names the same place from any working folder.
    public static func isAbsolute(_ path: String) -> Bool {
        FilePath(path).isAbsolute
    }

    /// `path` made absolute against `folder` (the working folder) when it is relative.
    public static func absolute(_ path: String, from folder: String) -> String {
        isAbsolute(path) ? path : join(folder, path)
    }

    /// True when `path` is `folder` or anything below it (by text: no link is followed).
    public static func isInside(_ path: String, folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix(separator) ? folder : folder + separator)
    }

    /// True when `path` is strictly below `folder` (by text).
    public static func isBelow(_ path: String, folder: String) -> Bool {
        path != folder && isInside(path, folder: folder)
    }
}
