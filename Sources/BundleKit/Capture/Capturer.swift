import Foundation

/// `bundle create`: resolve the profile, find its files, stream them into the payload while
/// hashing, then write the manifest, the checksum list and the signature in front.
///
/// A capture's jobs, each in its own place: resolve the plan (`CapturePlan`); change the
/// source for the capture and always undo it (`SourceChanges`); check the output and run the
/// exports (`Capturer+Sources`); find and check the files (`Capturer+Sources`); stream the
/// payload (`Capturer+Payload`); write the header and sign (`Capturer+Header`); and report
/// what could not be put back (`run`).
public struct Capturer: Sendable {
    /// The capture to run.
    public let options: CaptureOptions
    let onEvent: EventHandler?
    /// The size from which the file table moves to mapped scratch files (small in tests, to
    /// take that path with a few files).
    var sourceSpillThreshold = PagedStorage.defaultSpillThreshold

    /// A capture of `options`, reporting through `onEvent`.
    public init(options: CaptureOptions, onEvent: EventHandler? = nil) {
        self.options = options
        self.onEvent = onEvent
    }

    /// Runs the capture in the profile's order: capture rewrites, `before` steps, stop
    /// services (with `stopServices`), export commands, one pass over the files, signature;
    /// then, always, the rewritten files get their original bytes back, the services are
    /// started again and the `after` steps run, even when capture failed or was interrupted.
    /// On any error nothing is left under the output name and no exported secret remains.
    public func run() throws -> CaptureResult {
        let plan = try CapturePlan(options: options)
        let source = SourceChanges(plan: plan, options: options, services: options.services ?? Host.serviceController(os: options.os))
        var result: Result<CaptureResult, Error>
        do {
            try source.prepare()
            result = .success(try capture(plan, originals: source.originals))
        } catch {
            // The user named the output; the hidden scratch files beside it are ours.
            result = .failure(BundleWriter.namingOutput(error, output: options.output))
        }
        // Whatever happened: originals back, services up (but those the profile leaves stopped
        // after a capture that succeeded), then the after steps (e.g. re-encrypt the source).
        let undone = source.undo(captured: (try? result.get()) != nil)
        for name in source.leftStopped {
            onEvent?(.warning("service \(name) left stopped on this machine, as the profile's after-capture says"))
        }
        // An interrupt undid the source and is ending the process as the signal would have:
        // this thread must not end it first with an error of its own.
        while source.interrupted { Thread.sleep(forTimeInterval: 1) }
        if let first = undone.problems.first {
            // The source must not stay stopped, rewritten or decrypted unnoticed: say so even
            // when the capture itself failed, and keep a good bundle (it is complete and signed).
            let written = (try? result.get())?.output
            let captureError = result.failure.map(ErrorCause.init)
            throw CaptureError.restoreSourceFailed(bundle: written, cause: ErrorCause(CaptureRollback.Problem(description: first)), captureError: captureError)
        }
        var captured = try result.get()
        captured.commands = source.outcomes + undone.commands + captured.commands
        return captured
    }

    /// Exports, files, header: the capture proper. `originals` are the files a capture rewrite
    /// changed: their copies as they were are read in their place.
    private func capture(_ plan: CapturePlan, originals: [String: SourceChanges.Original]) throws -> CaptureResult {
        let outputFolder = try checkOutput()
        // Export commands write machine-bound secrets into a private folder that is removed
        // whatever happens next.
        var scratch: ScratchFolder?
        defer { scratch?.remove() }
        var collector = ItemCollector(mapper: PathMapper(root: options.root, os: options.os), variables: plan.variables, onEvent: onEvent)
        // A large file table goes to mapped scratch files beside the output, with the spools.
        collector.scratchFolder = outputFolder
        collector.spillThreshold = sourceSpillThreshold
        let exports = try runExports(into: &collector, scratch: &scratch, outputFolder: outputFolder, variables: plan.variables)
        var found = try findSources(with: collector, variables: plan.variables, originals: originals)
        // Sorted and checked, the files go to a scratch file: the payload pass holds none of them.
        let sources = try SourceSpool(taking: &found.sources, in: outputFolder, name: HostPath.lastComponent(options.output))
        defer { sources.remove() }

        let writer = try BundleWriter(
            destination: options.output, compression: options.compression, level: options.compressionLevel, onEvent: onEvent)
        // Per-file memory: each entry goes to a scratch file as its member is written, none is kept.
        let spool: ManifestSpool
        do {
            spool = try ManifestSpool(in: outputFolder, name: HostPath.lastComponent(options.output))
        } catch {
            writer.discard()
            throw error
        }
        defer { spool.remove() }
        do {
            let total = try writePayload(sources, into: writer, spool: spool, neverCopy: found.neverCopy, originals: originals)
            var manifest = makeManifest(variables: plan.variables, overrides: plan.overrides, fileCount: spool.count, skipped: found.skipped)
            manifest.neverCopy = found.neverCopy
            manifest.folders = found.folders.isEmpty ? nil : found.folders
            manifest.settings = options.settings
            let size = try finish(writer, manifest: manifest, spool: spool)
            return CaptureResult(
                outline: manifest, fileCount: spool.count, encryptedCount: spool.encryptedCount, output: options.output,
                bundleBytes: size, sourceBytes: total, commands: exports)
        } catch {
            writer.discard()
            throw error
        }
    }
}

extension Result {
    /// The error, for a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
