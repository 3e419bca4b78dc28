/// The folder every target path is resolved under (`--root`, `/` for the live system).
enum TargetRoot {
    /// Refuses a root that is not a folder (a file given by mistake) before anything reads or
    /// writes under it, rather than a "cannot read" about a path deep inside it. A missing
    /// root is refused when `mustExist`: create and diff read under it, and restore refuses
    /// it too (a mistyped `--root` would otherwise become a new tree of restored files).
    static func check(_ root: String, mustExist: Bool) throws {
        guard let status = try FileStatus.ofFollowing(root) else {
            if mustExist { throw PathError.rootMissing(path: root) }
            return
        }
        guard status.kind == .directory else { throw PathError.rootNotAFolder(path: root) }
    }
}
