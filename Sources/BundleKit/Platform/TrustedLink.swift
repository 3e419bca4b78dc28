#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// When a symbolic link on the way from a restore root to a target may be followed: the one
/// place that rule lives.
///
/// A live system root holds links the OS itself made: Debian's merged /usr (`/lib -> usr/lib`,
/// `/bin -> usr/bin`), macOS's `/etc -> private/etc` and `/var -> private/var`. Refusing every
/// link on the way makes a profile for such a machine impossible to restore onto it; following
/// every link lets anyone who can plant one redirect a write that runs as root. The rule in
/// between is the one OpenSSH's `StrictModes` and sudo's secure-path checks apply: only a link
/// that someone with the root's authority made, and that nobody else can change, may redirect a
/// write. A link on the way is followed only when
/// 1. the link itself is owned by root or by the restoring user (the effective uid);
/// 2. its folder, and every folder from the root down to it, is owned by root or that user and
///    is writable by neither group nor others (`isSecureFolder`), so nobody else can have put
///    the link there or can swap it; a sticky, world-writable folder like `/tmp` does not
///    qualify, whoever owns the link in it;
/// 3. its text leads to an existing folder inside the root: read with `readlinkat` in the
///    folder already open, then walked one name at a time from the open folders (`..` climbs
///    the folders actually walked and may not climb above the root; an absolute text must
///    begin with the root's path as given, and is walked from the root's descriptor), every
///    folder on that way meeting (2) and every further link on it meeting this whole rule;
/// 4. at most `maximumHops` links are followed for one name on the way, so a loop is refused
///    rather than walked for ever.
/// Any other link is refused by name (`PathError.symlinkInPath`) and nothing is written through
/// it. The root itself is the caller's choice, opened as given; (2) starts at the root folder.
/// The last name of a target is never followed whatever this rule says: a file is created
/// `O_EXCL | O_NOFOLLOW` and renamed over the name, replacing a link rather than writing through it.
///
/// Everything is done with descriptors (`openat`, `fstatat`, `readlinkat` relative to the
/// folder checked), so what was checked is what is written to: there is no path looked up
/// twice, and (2) is what makes the link's owner and text stay what they were when read.
enum TrustedLink {
    /// Links followed at most for one name on the way (Linux's own limit for a path lookup).
    static let maximumHops = 40

    /// True when an object owned by `owner` can only have been made by root or the restoring user.
    static func isTrustedOwner(_ owner: uid_t) -> Bool {
        owner == 0 || owner == geteuid()
    }

    /// True when only root or the restoring user can add, remove or replace names in a folder
    /// with this owner and mode: owned by one of them, writable by neither group nor others.
    static func isSecureFolder(owner: uid_t, mode: mode_t) -> Bool {
        isTrustedOwner(owner) && mode & 0o022 == 0
    }

    /// The folder the link `name` in `folder` leads to, when the rule allows following it;
    /// otherwise throws `PathError.symlinkInPath` naming `origin` (the link on the caller's way)
    /// and the link that broke the rule. `hops` counts the links followed so far for this name.
    static func follow(_ name: String, in folder: DirectoryHandle, hops: inout Int, origin: String) throws -> DirectoryHandle {
        let refused = PathError.symlinkInPath(path: origin, link: DirectoryHandle.join(folder.path, name))
        hops += 1
        guard hops <= maximumHops, folder.isSecure, let owner = try folder.owner(of: name), isTrustedOwner(owner),
            let text = try folder.linkText(of: name), !text.isEmpty
        else { throw refused }
        let root = folder.rootFolder ?? folder
        var current = folder
        var names = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if text.hasPrefix("/") {
            guard let below = components(of: text, under: root.path) else { throw refused }
            current = root
            names = below
        }
        /// One folder further, under the rule: missing, not a folder, or not secure is a refusal.
        func step(_ from: DirectoryHandle, _ name: String) throws -> DirectoryHandle {
            var created = false
            let next: DirectoryHandle?
            do {
                next = try from.child(name, create: false, created: &created, hops: &hops, origin: origin)
            } catch FileSystemError.cannotWrite(_, .notDirectory) {
                throw refused
            }
            guard let next, next.isSecure else { throw refused }
            return next
        }
        for name in names {
            switch name {
            case ".":
                continue
            case "..":
                // The folder above the one actually reached, walked again from the root's descriptor.
                guard !current.components.isEmpty else { throw refused }
                current = try current.components.dropLast().reduce(root, step)
            default:
                current = try step(current, name)
            }
        }
        return current
    }

    /// The names of the absolute link text `text` below `root` (as given), or nil when the text
    /// does not begin with the root's path.
    private static func components(of text: String, under root: String) -> [String]? {
        let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        let rest: Substring
        if base == "/" {
            rest = text.dropFirst()
        } else if text == base {
            rest = ""
        } else if text.hasPrefix(base + "/") {
            rest = text.dropFirst(base.count + 1)
        } else {
            return nil
        }
        return rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
