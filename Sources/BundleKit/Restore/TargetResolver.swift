/// A bundle's embedded profile resolved for this machine, as restore and diff both need it:
/// the variables (the capture's `--var` values apply again on the same OS unless overridden)
/// and the mapping of each entry's target to a path under the root.
struct TargetResolver {
    /// The profile the manifest carries.
    let profile: Profile
    /// Its variables, resolved for the target.
    let variables: [String: String]
    /// Resolved paths to paths on this machine.
    let mapper: PathMapper

    /// Resolves `manifest`'s profile (read from `bundle`, for messages) for `os` under `root`.
    /// `overrides` and `settings` are the user's `--var` and `--set`: a name the profile does
    /// not use is refused here, before anything is written.
    init(manifest: Manifest, bundle: String, root: String, os: OSFamily, overrides: [String: String], settings: [String: String] = [:]) throws {
        profile = try Profile(yaml: manifest.profile.text, source: "\(bundle):MANIFEST.json")
        try profile.checkNames(overrides: overrides, settings: settings)
        let inherited = manifest.source.os == os ? manifest.overrides : [:]
        variables = try VariableResolver(profile: profile, os: os, overrides: inherited.merging(overrides) { $1 }).resolve()
        mapper = PathMapper(root: root, os: os)
    }

    /// The entry's target, resolved (empty for an exported secret).
    func resolved(_ entry: ManifestEntry) throws -> String {
        entry.target.isEmpty ? "" : try VariableResolver.expand(entry.target, with: variables, context: entry.member)
    }

    /// The entry's path on this machine (empty for an exported secret).
    func hostPath(_ entry: ManifestEntry) throws -> String {
        entry.target.isEmpty ? "" : try mapper.hostPath(for: try resolved(entry))
    }

    /// The unlisted files under the profile's captured folders (`UnlistedFiles`), given the
    /// host paths the bundle lists and the state folder to leave alone.
    func unlisted(listed: Set<String>, folders: Set<String> = [], stateDirectory: String) throws -> UnlistedFiles {
        try UnlistedFiles(profile: profile, variables: variables, mapper: mapper, listed: listed, folders: folders, stateDirectory: stateDirectory)
    }
}
