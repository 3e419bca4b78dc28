import Foundation

/// The capture's inputs: the output checked, the export commands run, the files found and
/// checked (never-copy, encryption, refused values) before a byte is written.
extension Capturer {
    /// What the checks leave to write.
    struct FoundSources {
        var sources: SourceTable
        var folders: [FolderEntry]
        var skipped: [String]
        var neverCopy: [String: String]
    }

    /// Refuses an existing output or a missing folder for it (a typo, not a failed capture),
    /// before any export runs; returns the folder.
    func checkOutput() throws -> String {
        if try FileStatus.of(options.output) != nil { throw FileSystemError.alreadyExists(path: options.output) }
        let outputFolder = HostPath.parent(options.output)
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: outputFolder.isEmpty ? "." : outputFolder, isDirectory: &isFolder) || !isFolder.boolValue {
            throw FileSystemError.folderMissing(path: options.output, folder: outputFolder)
        }
        return outputFolder
    }

    /// Runs each exported item's command into the scratch folder (made on first use).
    func runExports(
        into collector: inout ItemCollector, scratch: inout ScratchFolder?, outputFolder: String, variables: [String: String]
    ) throws -> [CommandOutcome] {
        var commands: [CommandOutcome] = []
        for item in options.profile.items {
            guard case .exported(let spec) = item.selector else { continue }
            let folder = try scratch ?? ScratchFolder(in: outputFolder.isEmpty ? "." : outputFolder, label: "export")
            scratch = folder
            let (path, outcome) = try export(item, spec, variables: variables, into: folder)
            collector.exported[item.id] = path
            commands.append(outcome)
        }
        return commands
    }

    /// Every file to capture, sorted by member, checked; a rewritten file as it was.
    func findSources(with collector: ItemCollector, variables: [String: String], originals: [String: SourceChanges.Original]) throws -> FoundSources {
        var collected = try collector.collect(options.profile.items)
        // Moved out, not shared: changing a shared table would copy it whole.
        var sources = collected.sources
        collected.sources = SourceTable()
        if !originals.isEmpty {
            for index in sources.indices {
                if let original = originals[sources.hostPath(index)] { sources.setStatus(index, original.status) }
            }
        }
        for item in collected.skipped { onEvent?(.warning("item '\(item)': nothing found; optional, skipped")) }
        let neverCopy = try checkNeverCopy(sources, variables: variables, mapper: collector.mapper)
        try encryptionPlan(&sources)
        try CaptureRefusalCheck(refusals: options.profile.steps.captureRefusals).check(sources) { originals[$0.hostPath]?.saved ?? $0.hostPath }
        return FoundSources(sources: sources, folders: collected.folders, skipped: collected.skipped, neverCopy: neverCopy)
    }

    /// Runs an item's export command with `{out}` a fresh 0600 file in the scratch folder.
    private func export(
        _ item: ProfileItem, _ spec: CommandSpec, variables: [String: String], into scratch: ScratchFolder
    ) throws -> (String, CommandOutcome) {
        let out = HostPath.join(scratch.path, item.id)
        try LocalFileSystem.createExclusive(out, permissions: .ownerOnly).close()
        let command = try CommandTemplate.resolve(spec.run, variables: variables, placeholders: ["out": out, "root": options.root], context: "item '\(item.id)' export")
        let outcome = try CommandRunner.run(command, timeout: spec.timeout)
        CrashPoint.reached("capture exported \(item.id)")
        guard let status = try FileStatus.of(out), status.kind == .regular, status.size > 0 else {
            throw CaptureError.exportProducedNothing(item: item.id, command: command)
        }
        return (out, outcome)
    }

    /// Refuses to copy any file an item marks `never-copy`, and returns the digests of those
    /// present so the same content under another name is caught too (below and in verify).
    private func checkNeverCopy(_ sources: SourceTable, variables: [String: String], mapper: PathMapper) throws -> [String: String] {
        var digests: [String: String] = [:]
        for item in options.profile.items {
            guard let template = item.neverCopy else { continue }
            let path = try mapper.hostPath(for: try VariableResolver.expand(template, with: variables, context: "item '\(item.id)' never-copy"))
            if let index = sources.indices.first(where: { sources.hostPath($0) == path }) {
                throw CaptureError.neverCopy(item: sources.group(index).item.id, path: path, markedBy: item.id)
            }
            if let status = try FileStatus.of(path), status.kind == .regular {
                digests[item.id] = try FileDigest.sha256(of: path)
            }
        }
        return digests
    }

    /// Marks what is stored encrypted (member name ends in `.age`); refuses plaintext secrets
    /// unless allowed, before anything is written.
    private func encryptionPlan(_ result: inout SourceTable) throws {
        var marked = false
        for index in result.indices where result.needsEncryption(index) {
            if options.lock != nil {
                result.setEncrypted(index)  // which makes the member end in `.age`
                marked = true
            } else if !options.allowPlaintextSecrets {
                throw CaptureError.plaintextSecret(item: result.group(index).item.id, role: result[index].role)
            }
        }
        if marked { result.sort() }
    }
}
