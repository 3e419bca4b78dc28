/// Where in the staging folder each member is staged.
///
/// A file whose folder does not exist on this machine yet is staged at its own path inside a
/// copy of the outermost missing folder above it (`trees/N/...`, `RestorePlan.stagedTrees`),
/// so that committing all of that folder is one rename: a restore onto a new machine then
/// renames a handful of folders instead of every file (20,000 renames and lookups in one
/// staging folder of 20,000 entries, for the bench tree). Every other member (a file that
/// replaces one, a file in a folder that is there, an import's input) is staged flat as
/// `NNNNNN` and renamed into place by itself.
///
/// A tree is only a place to stage: the commit moves it only if its folder is still missing
/// then, else commits its files one by one from it, as it does flat ones (`FileCommitter`).
struct StagingLayout: Sendable {
    /// The outermost missing folders, by host path; the n-th is staged as `trees/n`.
    let trees: [String]
    /// Each tree's number by its host path.
    private let numbers: [String: Int]
    /// An entry's host path by its position in the manifest (nil: it has none, an import).
    private let hostPath: @Sendable (Int) -> String?

    /// The layout of `plan`'s trees; `hostPath` resolves an entry's target on this machine.
    init(trees: [String], hostPath: @escaping @Sendable (Int) -> String?) {
        self.trees = trees
        numbers = Dictionary(trees.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.hostPath = hostPath
    }

    /// Every member staged flat.
    static let flat = StagingLayout(trees: []) { _ in nil }

    /// The folder a file at `hostPath` is staged in as a tree: the outermost folder missing
    /// above it, or, when the state folder (made before staging) would be inside that, the
    /// first folder on the way to `hostPath` that it is not inside; nil when there is none.
    static func tree(for hostPath: String, outermostMissing: String, outside stateDirectory: String) -> String? {
        var tree = outermostMissing
        while HostPath.isInside(stateDirectory, folder: tree) {
            guard let relative = HostPath.relative(hostPath, below: tree),
                let first = relative.split(whereSeparator: HostPath.isSeparator).first else { return nil }
            tree = HostPath.join(tree, String(first))
            if tree == hostPath { return nil }
        }
        return tree
    }

    /// `trees/n`: where tree `n` is staged, relative to the staging folder.
    static func treeFolder(_ number: Int) -> String {
        HostPath.join("trees", String(number))
    }

    /// The tree `hostPath` is inside and its path below that tree's folder; nil when it is in none.
    func tree(containing hostPath: String) -> (number: Int, relative: String)? {
        guard !numbers.isEmpty else { return nil }
        var folder = HostPath.parent(hostPath)
        while !folder.isEmpty {
            if let number = numbers[folder], let relative = HostPath.relative(hostPath, below: folder) { return (number, relative) }
            let parent = HostPath.parent(folder)
            if parent == folder { return nil }
            folder = parent
        }
        return nil
    }

    /// Where the entry at `position` is staged relative to the staging folder when it goes
    /// into a tree (`trees/n/relative`); nil when it is staged flat.
    func treePath(ofEntry position: Int) -> String? {
        guard !numbers.isEmpty, let host = hostPath(position), let (number, relative) = tree(containing: host) else { return nil }
        return HostPath.join(Self.treeFolder(number), relative)
    }
}
