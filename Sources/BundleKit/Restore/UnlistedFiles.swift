import Foundation

/// The files under a profile's captured folders that a bundle does not list but that the
/// items' selectors would capture now: what an exact restore removes (into the safeguard)
/// and what `bundle diff` calls *added*. The rule is capture's own: a `directory` item takes
/// every regular file below its folder, a `glob` item the regular files its pattern matches
/// in its folder; symlinks and special files are never captured, so never listed here, nor
/// is a file an item marks `never-copy`, a file a rewrite names, or anything in bundle's
/// state folder (staging, journal, safeguards). `path` and exported items name one file the
/// bundle lists or not at all, so they add nothing.
///
/// A `directory` item that keeps links (`symlinks: keep`) takes its links too, so an unlisted
/// link there is listed like a file. The folders listed are those below a `directory` item's
/// folder that hold no listed path, are not folders the bundle records (`folders`: bundles
/// made before folders were recorded have none, so an empty folder that existed at capture is
/// one of them), and would be empty once the unlisted files are gone, innermost first.
struct UnlistedFiles: Sendable, Equatable {
    /// One unlisted file.
    struct File: Sendable, Equatable {
        /// Its path on this machine.
        var path: String
        /// The id of the item whose selector takes it.
        var item: String
    }

    /// The files, folder by folder in name order, each once.
    private(set) var files: [File] = []
    /// Folders emptied by removing `files`, innermost first.
    private(set) var folders: [String] = []

    private let listed: Set<String>
    /// Folders that hold a listed path, or that the bundle records: they stay.
    private let folderOfListed: Set<String>
    private let protected: Set<String>
    private let stateDirectory: String
    private var seen: Set<String> = []

    /// Looks through every `directory` and `glob` item of `profile`, resolved with `variables`
    /// and `mapper` as capture and restore resolve them; `listed` are the host paths the
    /// bundle's entries (and the rewrites) name, `stateDirectory` is left alone.
    init(
        profile: Profile, variables: [String: String], mapper: PathMapper, listed: Set<String>, folders: Set<String> = [], stateDirectory: String
    ) throws {
        self.listed = listed
        self.stateDirectory = stateDirectory
        var ancestors = folders
        for path in listed {
            var folder = HostPath.parent(path)
            while folder.count > 1, ancestors.insert(folder).inserted { folder = HostPath.parent(folder) }
        }
        folderOfListed = ancestors
        protected = Set(try profile.items.compactMap { item in
            try item.neverCopy.map { try mapper.hostPath(for: try VariableResolver.expand($0, with: variables, context: "item '\(item.id)' never-copy")) }
        })
        for item in profile.items {
            let context = "item '\(item.id)'"
            switch item.selector {
            case .directory(let template):
                let folder = try mapper.hostPath(for: try VariableResolver.expand(template, with: variables, context: context))
                guard try FileStatus.of(folder)?.kind == .directory else { continue }
                _ = try walk(folder, item: item)
            case .glob(let template):
                let (folderTemplate, pattern) = PathTemplate.split(template)
                let folder = try mapper.hostPath(for: try VariableResolver.expand(folderTemplate, with: variables, context: context))
                guard try FileStatus.of(folder)?.kind == .directory else { continue }
                let matcher = GlobPattern(pattern)
                for name in try LocalFileSystem.contents(of: folder) where matcher.matches(name) {
                    let path = HostPath.join(folder, name)
                    if !isKept(path), try FileStatus.of(path)?.kind == .regular { add(path, item: item.id) }
                }
            case .path, .exported:
                continue
            }
        }
    }

    /// Adds the unlisted files below `folder` (and the folders they empty); true when
    /// nothing in it stays, so the folder itself can go.
    private mutating func walk(_ folder: String, item: ProfileItem) throws -> Bool {
        var empties = true
        for name in try LocalFileSystem.contents(of: folder) {
            let path = HostPath.join(folder, name)
            guard let status = try FileStatus.of(path) else { continue }  // removed meanwhile
            if isKept(path) {
                empties = false
                continue
            }
            switch status.kind {
            case .regular:
                add(path, item: item.id)
            case .symlink where item.keepSymlinks:
                add(path, item: item.id)  // capture would take it as a link
            case .directory:
                if try walk(path, item: item), !folderOfListed.contains(path) {
                    folders.append(path)
                } else {
                    empties = false
                }
            case .symlink, .other:
                empties = false  // capture skips these here: they stay, and so does their folder
            }
        }
        return empties
    }

    /// Listed, never-copy, or bundle's own state.
    private func isKept(_ path: String) -> Bool {
        listed.contains(path) || protected.contains(path) || HostPath.isInside(path, folder: stateDirectory)
    }

    private mutating func add(_ path: String, item: String) {
        if seen.insert(path).inserted { files.append(File(path: path, item: item)) }
    }
}
