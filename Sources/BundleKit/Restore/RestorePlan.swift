/// The ordered steps of a restore, with every file: what `--dry-run` prints and what the
/// restore then does.
public struct RestorePlan: Sendable, Equatable {
    /// One file to put in place.
    public struct File: Sendable, Equatable {
        /// The manifest entry it comes from.
        public var entry: ManifestEntry
        /// The target path as the profile resolves it on the target OS.
        public var resolved: String
        /// Where that is on this machine (root applied).
        public var hostPath: String
        /// Permission bits it gets (0600 for private keys and secrets, whatever the source had).
        public var permissions: UInt32
        /// Whether a file is already there (it will be replaced).
        public var replaces: Bool
    }

    /// An exported secret handed to the product's own import command.
    public struct Import: Sendable, Equatable {
        /// The manifest entry it comes from.
        public var entry: ManifestEntry
        /// The command, resolved, with `{in}` still to be filled with the decrypted file.
        public var command: [String]
        /// Its time limit in seconds.
        public var timeout: Int
    }

    /// Files in member order.
    public var files: [File]
    /// Imports in member order, run after the files are in place.
    public var imports: [Import] = []
    /// Variables as resolved for the target.
    public var variables: [String: String]
    /// Manual steps to print at the end.
    public var checklist: [String]

    /// One step of the plan, with the files or commands it touches.
    public struct Step: Sendable, Equatable, Encodable {
        /// What the step does.
        public var title: String
        /// Every file, command or value it involves.
        public var details: [String]
    }

    /// The steps in the order they run, every file listed.
    public var steps: [Step] {
        var steps = [Step(title: "verify the bundle (signature, checksums, sizes) into a staging folder", details: [])]
        steps.append(Step(
            title: "write \(files.count) file(s), each synced and renamed into place",
            details: files.map { "\($0.replaces ? "replace" : "create") \($0.hostPath) (\(ManifestEntry.octal($0.permissions)), from \($0.entry.member))" }))
        if !imports.isEmpty {
            steps.append(Step(
                title: "import \(imports.count) exported secret(s) with the product's tool, from a 0600 decrypted file removed afterwards",
                details: imports.map { "\($0.command.joined(separator: " ")) (from \($0.entry.member))" }))
        }
        if !checklist.isEmpty { steps.append(Step(title: "print the checklist", details: checklist)) }
        return steps
    }

    /// The outline recorded in the manifest at capture time.
    static func outline(fileCount: Int) -> [String] {
        ["verify the bundle into a staging folder", "write \(fileCount) file(s) in place", "print the checklist"]
    }
}
