import Foundation

/// Finds and parses profiles: by path, or by id among the shipped ones.
public struct ProfileLoader: Sendable {
    /// Where shipped profiles live (`Formats/`), searched in order; the first match wins.
    public var formatsDirectories: [URL]
    /// Every place looked at, in words, for the error when no folder exists
    /// (`ProfileLocations.searched`); the folders' paths unless given.
    public var searched: [String]

    /// Makes a loader that looks for ids in `formatsDirectories`, in order.
    public init(formatsDirectories: [URL], searched: [String]? = nil) {
        self.formatsDirectories = formatsDirectories
        self.searched = searched ?? formatsDirectories.map(\.path)
    }

    /// Loads the profile `reference` names.
    ///
    /// A reference that contains a path separator or ends in `.yaml`/`.yml` is a file path
    /// (relative to the current directory). Anything else is an id, looked up as
    /// `<directory>/<id>.yaml` in each formats directory; that file's `id` must match its name.
    ///
    /// - Throws: `ProfileError.notFound` listing every place looked at, or the file's parse error.
    public func load(_ reference: String) throws -> Profile {
        if Self.isPath(reference) {
            let url = URL(fileURLWithPath: reference)
            guard Self.isFile(url) else { throw ProfileError.notFound(reference: reference, searched: [url.path]) }
            return try Self.parse(url, source: reference, expectedID: nil)
        }
        let candidates = formatsDirectories.map { $0.appendingPathComponent("\(reference).yaml") }
        guard let url = candidates.first(where: Self.isFile) else {
            throw ProfileError.notFound(reference: reference, searched: candidates.map(\.path))
        }
        return try Self.parse(url, source: url.path, expectedID: reference)
    }

    /// Every shipped profile (each `*.yaml` in the formats directories), sorted by id.
    ///
    /// Missing directories are skipped, but when none exists that is an error: an empty list
    /// would read as "no profiles shipped" when they were only not found. A file that does not
    /// parse, or whose id does not match its name, is an error rather than silently left out.
    /// When two directories ship the same id, the earlier directory wins, as in `load(_:)`.
    ///
    /// - Throws: `ProfileError.noProfileFolder` naming every place looked at, or a file's error.
    public func available() throws -> [Profile] {
        var byID: [String: Profile] = [:]
        var found = false
        for directory in formatsDirectories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            found = true
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            } catch {
                throw ProfileError.unreadable(file: directory.path, reason: Self.reason(error), cause: ErrorCause(error))
            }
            for name in names.sorted() where name.hasSuffix(".yaml") && !name.hasPrefix(".") {
                let id = String(name.dropLast(".yaml".count))
                guard byID[id] == nil else { continue }
                let url = directory.appendingPathComponent(name)
                byID[id] = try Self.parse(url, source: url.path, expectedID: id)
            }
        }
        guard found else { throw ProfileError.noProfileFolder(searched: searched) }
        return byID.keys.sorted().compactMap { byID[$0] }
    }

    // MARK: - Helpers

    private static func isPath(_ reference: String) -> Bool {
        reference.contains("/") || reference.contains("\\") || reference.hasSuffix(".yaml") || reference.hasSuffix(".yml")
    }

    private static func isFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private static func parse(_ url: URL, source: String, expectedID: String?) throws -> Profile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ProfileError.unreadable(file: source, reason: reason(error), cause: ErrorCause(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProfileError.unreadable(file: source, reason: "the file is not UTF-8 text; save it as UTF-8")
        }
        let (profile, idLine) = try ProfileReader(file: source).read(text)
        if let expectedID, profile.id != expectedID {
            throw ProfileError.invalidValue(
                file: source, line: idLine, key: "id",
                reason: "'\(profile.id)' does not match the file name '\(expectedID).yaml'; a shipped profile's id must be its file name")
        }
        return profile
    }

    private static func reason(_ error: any Error) -> String {
        error.localizedDescription
    }
}
