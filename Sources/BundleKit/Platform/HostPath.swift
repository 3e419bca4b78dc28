import Foundation
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

    /// True for a character this machine reads as a separator (`/`; also `\\` on Windows).
    public static func isSeparator(_ character: Character) -> Bool {
        #if os(Windows)
            return character == "/" || character == "\\"
        #else
            return character == "/"
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

    /// The folder holding `path` (`/a/b` → `/a`, `/a` → `/`, `b` → empty), by text: the
    /// answers `NSString.deletingLastPathComponent` gives on POSIX.
    public static func parent(_ path: String) -> String {
        let (isTidy, last) = lastSeparator(path)
        if isTidy {
            guard let last else { return "" }
            return String(decoding: path.utf8.prefix(last == 0 ? 1 : last), as: UTF8.self)
        }
        let tidy = tidied(path)
        guard let last = tidy.lastIndex(where: isSeparator) else { return "" }
        return last == tidy.startIndex ? String(tidy[...last]) : String(tidy[..<last])
    }

    /// The last component of `path` (`/a/b` → `b`); a root or an empty path is returned as is.
    public static func lastComponent(_ path: String) -> String {
        let (isTidy, last) = lastSeparator(path)
        if isTidy {
            guard let last, path.utf8.count > 1 else { return path }
            return String(decoding: path.utf8.dropFirst(last + 1), as: UTF8.self)
        }
        let tidy = tidied(path)
        guard let last = tidy.lastIndex(where: isSeparator), tidy.count > 1 else { return tidy }
        return String(tidy[tidy.index(after: last)...])
    }

    /// What follows `folder` in `path` when `path` is strictly below it (`/s/a/b` below `/s` →
    /// `a/b`, in this machine's separators); nil when it is not below.
    public static func relative(_ path: String, below folder: String) -> String? {
        guard isBelow(path, folder: folder) else { return nil }
        let rest = path.dropFirst(folder.count)
        return String(rest.first.map(isSeparator) == true ? rest.dropFirst() : rest)
    }

    /// True when `name` is one component: not empty, not `.` or `..`, no separator in it.
    public static func isSingleComponent(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains(where: isSeparator)
    }

    /// `path` (absolute) with `.` and `..` components resolved and repeated separators
    /// removed, by text (no link is followed); `..` at the root stays at the root.
    public static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(whereSeparator: isSeparator) where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return separator + parts.joined(separator: separator)
    }

    /// `path` with each run of separators made one and a trailing separator dropped (a root
    /// stays a root).
    private static func tidied(_ path: String) -> String {
        var tidy = ""
        for character in path where !(isSeparator(character) && tidy.last.map(isSeparator) == true) { tidy.append(character) }
        if tidy.count > 1, tidy.last.map(isSeparator) == true { tidy.removeLast() }
        return tidy
    }

    /// `path` in the form two spellings of one folder are compared in: Foundation's
    /// `standardizingPath` (`~` expanded, `.` and a trailing separator dropped).
    public static func resolved(_ path: String) -> String {
        (path as NSString).standardizingPath
    }
}
