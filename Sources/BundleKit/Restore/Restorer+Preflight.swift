/// The checks a restore makes before it writes anything at all, staging included.
extension Restorer {
    /// Reads the bundle's signed front (signature, SHA256SUMS, manifest, limits, targets),
    /// plans every target on this machine, refuses a symlink on the way to any of them, and
    /// checks that the disks have room for what the manifest declares. A bundle whose front
    /// does not verify is then read in full (writing nothing) so that the error lists every
    /// problem.
    func preflight(_ verifier: Verifier) throws {
        let header = try verifier.runHeader()
        guard header.isValid, let manifest = header.manifest else {
            let full = try verifier.run()
            throw RestoreError.verificationFailed(bundle: options.bundle, problems: full.problems.isEmpty ? header.problems : full.problems)
        }
        let plan = try plan(for: manifest)
        for file in plan.files {
            try DirectoryHandle.checkNoSymlinks(to: file.hostPath, under: options.root)
        }
        let sizes = plan.files.map { (path: $0.hostPath, size: $0.entry.size) }
            + plan.imports.map { (path: "", size: $0.entry.size) }
        try FreeSpace.require(staging: Host.stateDirectory(root: options.root, os: options.os), files: sizes)
    }
}
