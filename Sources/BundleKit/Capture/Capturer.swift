import BundleCrypto
import Foundation

/// `bundle create`: resolve the profile, find its files, stream them into the payload while
/// hashing, then write the manifest, the checksum list and the signature in front.
public struct Capturer: Sendable {
    /// The capture to run.
    public let options: CaptureOptions
    private let onEvent: EventHandler?

    /// A capture of `options`, reporting through `onEvent`.
    public init(options: CaptureOptions, onEvent: EventHandler? = nil) {
        self.options = options
        self.onEvent = onEvent
    }

    /// Runs the capture in the profile's order: `before` steps, stop services (with
    /// `stopServices`), export commands, one pass over the files, signature; then, always,
    /// the services are started again and the `after` steps run, even when capture failed.
    /// On any error nothing is left under the output name and no exported secret remains.
    public func run() throws -> CaptureResult {
        let profile = options.profile
        try profile.checkNames(overrides: options.overrides, settings: options.settings)
        try TargetRoot.check(options.root, mustExist: true)
        let variables = try VariableResolver(profile: profile, os: options.os, overrides: options.overrides).resolve()
        let placeholders = ["root": options.root]
        func commands(_ specs: [CommandSpec], _ context: String) throws -> [(argv: [String], timeout: Int)] {
            try specs.map { (try CommandTemplate.resolve($0.run, variables: variables, placeholders: placeholders, context: context), $0.timeout) }
        }
        let before = try commands(profile.steps.captureBefore, "steps.capture.before")
        let after = try commands(profile.steps.captureAfter, "steps.capture.after")
        let (serviceNames, leftStopped) = try servicesToStop(variables: variables)
        let controller = options.services ?? Host.serviceController(os: options.os)

        var outcomes: [CommandOutcome] = []
        var stopped: [String] = []
        var result: Result<CaptureResult, Error>
        do {
            for command in before {
                outcomes.append(try CommandRunner.run(command.argv, timeout: command.timeout))
                CrashPoint.reached("capture ran \(command.argv.first ?? "")")
            }
            for name in serviceNames where try controller.state(of: name) == .running {
                try controller.stop(name)
                stopped.append(name)
            }
            result = .success(try capture(variables: variables))
        } catch {
            // The user named the output; the hidden scratch files beside it are ours.
            result = .failure(BundleWriter.namingOutput(error, output: options.output))
        }
        // Whatever happened: services back up, then the after steps (e.g. re-encrypt the source).
        var cleanupErrors: [Error] = []
        for name in stopped.reversed() where !leftStopped.contains(name) {
            do { try controller.start(name) } catch { cleanupErrors.append(error) }
        }
        for name in stopped where leftStopped.contains(name) {
            onEvent?(.warning("service \(name) left stopped on this machine, as the profile's after-capture says"))
        }
        for command in after {
            do { outcomes.append(try CommandRunner.run(command.argv, timeout: command.timeout)) } catch { cleanupErrors.append(error) }
        }
        if let first = cleanupErrors.first {
            // The source must not stay stopped or decrypted unnoticed: say so even when the
            // capture itself failed, and keep a good bundle (it is complete and signed).
            let written = (try? result.get())?.output
            let captureError = result.failure.map(ErrorCause.init)
            throw CaptureError.restoreSourceFailed(bundle: written, cause: ErrorCause(first), captureError: captureError)
        }
        var captured = try result.get()
        captured.commands = outcomes + captured.commands
        return captured
    }

    /// Exports, files, header: the capture proper.
    private func capture(variables: [String: String]) throws -> CaptureResult {
        let profile = options.profile
        let mapper = PathMapper(root: options.root, os: options.os)
        if try FileStatus.of(options.output) != nil { throw FileSystemError.alreadyExists(path: options.output) }
        let outputFolder = (options.output as NSString).deletingLastPathComponent
        // Before any export command runs: a missing folder is a typo, not a failed capture.
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: outputFolder.isEmpty ? "." : outputFolder, isDirectory: &isFolder) || !isFolder.boolValue {
            throw FileSystemError.folderMissing(path: options.output, folder: outputFolder)
        }

        // Export commands write machine-bound secrets into a private folder that is removed
        // whatever happens next.
        var scratch: ScratchFolder?
        defer { scratch?.remove() }
        var collector = ItemCollector(mapper: mapper, variables: variables, onEvent: onEvent)
        var commands: [CommandOutcome] = []
        for item in profile.items {
            guard case .exported(let spec) = item.selector else { continue }
            let folder = try scratch ?? ScratchFolder(in: outputFolder.isEmpty ? "." : outputFolder, label: "export")
            scratch = folder
            let (path, outcome) = try export(item, spec, variables: variables, into: folder)
            collector.exported[item.id] = path
            commands.append(outcome)
        }

        let collected = try collector.collect(profile.items)
        var (sources, skipped) = (collected.sources, collected.skipped)
        for item in skipped { onEvent?(.warning("item '\(item)': nothing found; optional, skipped")) }
        let neverCopy = try checkNeverCopy(sources, variables: variables, mapper: mapper)
        try encryptionPlan(&sources)

        let writer = try BundleWriter(
            destination: options.output, compression: options.compression, level: options.compressionLevel, onEvent: onEvent)
        let total = sources.reduce(Int64(0)) { $0 + ($1.link == nil ? $1.status.size : 0) }
        var done: Int64 = 0
        // Per-file memory: each entry goes to a scratch file as its member is written, none is kept.
        let spool: ManifestSpool
        do {
            spool = try ManifestSpool(in: outputFolder, name: (options.output as NSString).lastPathComponent)
        } catch {
            writer.discard()
            throw error
        }
        defer { spool.remove() }
        // Reading (and hashing) runs a bounded distance ahead on its own thread; links are not
        // read. Paths are put together as the reader reaches them, not listed up front.
        let files = sources.contains { $0.link != nil } ? sources.filter { $0.link == nil } : sources
        let reader = ReadAhead(count: files.count) { .init(path: files[$0].hostPath, size: files[$0].status.size, hashes: !files[$0].encrypted) }
        defer { reader.cancel() }
        do {
            for source in sources {
                var entry: ManifestEntry
                if let link = source.link {
                    try writer.addLink(source)
                    entry = ManifestEntry(
                        member: source.member, target: source.target, item: source.item.id, role: source.role,
                        size: 0, permissions: source.status.permissions, mtime: source.status.mtimeSeconds,
                        mtimeNanoseconds: source.status.mtimeNanoseconds, sha256: "", link: link)
                } else {
                    let stored = try writer.add(source, lock: source.encrypted ? options.lock : nil, from: reader) { count in
                        done += count
                        onEvent?(.progress(phase: "capture", completed: done, total: total, item: source.member))
                    }
                    entry = ManifestEntry(
                        member: source.member, target: source.target, item: source.item.id, role: source.role,
                        size: stored.size, permissions: source.status.permissions,
                        mtime: source.status.mtimeSeconds, mtimeNanoseconds: source.status.mtimeNanoseconds,
                        sha256: stored.sha256, encrypted: source.encrypted)
                }
                entry.recordOwnership(source.status)
                // A raw member's digest is its content's: no second read needed to spot a copy.
                if !entry.encrypted, let marked = neverCopy.first(where: { $0.value == entry.sha256 && $0.key != entry.item })?.key {
                    throw CaptureError.neverCopy(item: entry.item, path: entry.member, markedBy: marked)
                }
                // Sources come sorted by member, so the entries do too.
                try spool.append(entry)
            }
            sources = []
            var manifest = makeManifest(variables: variables, fileCount: spool.count, skipped: skipped)
            manifest.neverCopy = neverCopy
            manifest.folders = collected.folders.isEmpty ? nil : collected.folders
            manifest.settings = options.settings
            // Both members are streamed from the spool twice: once to hash, once into the header.
            let manifestContent = try spool.manifest(manifest)
            var manifestHash = SHA256Stream()
            try manifestContent.write { manifestHash.update($0) }
            let checksumContent = spool.checksums(manifestDigest: manifestHash.hex())
            var checksumHash = BLAKE2b(outputByteCount: 64)
            try checksumContent.write { checksumHash.update($0) }
            let signature = options.signingKey.sign(
                blake2b512: checksumHash.finalize(), trustedComment: manifest.trustedComment,
                untrustedComment: "signature from bundle secret key \(options.signingKey.publicKey.keyIDHex)")
            let size = try writer.finish(
                manifest: manifestContent, checksums: checksumContent, signature: HeaderContent(Data(signature.fileContents().utf8)),
                created: Int64(options.created.timeIntervalSince1970.rounded(.down)))
            return CaptureResult(
                outline: manifest, fileCount: spool.count, encryptedCount: spool.encryptedCount, output: options.output,
                bundleBytes: size, sourceBytes: total, commands: commands)
        } catch {
            writer.discard()
            throw error
        }
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
    private func checkNeverCopy(_ sources: [CaptureSource], variables: [String: String], mapper: PathMapper) throws -> [String: String] {
        var digests: [String: String] = [:]
        for item in options.profile.items {
            guard let template = item.neverCopy else { continue }
            let path = try mapper.hostPath(for: try VariableResolver.expand(template, with: variables, context: "item '\(item.id)' never-copy"))
            if let source = sources.first(where: { $0.hostPath == path }) {
                throw CaptureError.neverCopy(item: source.item.id, path: path, markedBy: item.id)
            }
            if let status = try FileStatus.of(path), status.kind == .regular {
                digests[item.id] = try FileDigest.sha256(of: path)
            }
        }
        return digests
    }

    /// Marks what is stored encrypted (member name ends in `.age`); refuses plaintext secrets
    /// unless allowed, before anything is written.
    private func encryptionPlan(_ result: inout [CaptureSource]) throws {
        for index in result.indices where result[index].needsEncryption {
            if options.lock != nil {
                result[index].encrypted = true  // which makes the member end in `.age`
            } else if !options.allowPlaintextSecrets {
                throw CaptureError.plaintextSecret(item: result[index].item.id, role: result[index].role)
            }
        }
        result.sort(by: CaptureSource.precedes)
    }

    /// The SHA-256 of a file (`FileDigest.sha256(of:)`, in Support/ for every phase). Kept for
    /// the callers in Snapshot/ and in work merged alongside; remove once they call FileDigest.
    static func digest(of path: String) throws -> String {
        try FileDigest.sha256(of: path)
    }

    /// The manifest without entries (those are spooled), for a capture of `fileCount` files.
    private func makeManifest(variables: [String: String], fileCount: Int, skipped: [String]) -> Manifest {
        let profile = options.profile
        return Manifest(
            version: BundleLayout.formatVersion,
            tool: .init(name: "bundle", version: BundleVersion.current),
            created: Timestamp.string(options.created),
            source: .init(host: options.host, os: options.os),
            profile: .init(id: profile.id, name: profile.name, version: profile.version, sha256: profile.sha256, text: profile.text),
            variables: variables,
            overrides: options.overrides,
            entries: [],
            skippedItems: skipped,
            plan: RestorePlan.outline(fileCount: fileCount),
            checklist: profile.checklist)
    }

    /// A time as the manifest writes it (`Timestamp.string(_:)`, in Support/). Kept for work
    /// merged alongside; remove once it calls Timestamp.
    static func timestamp(_ date: Date) -> String {
        Timestamp.string(date)
    }
}

extension Result {
    /// The error, for a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
