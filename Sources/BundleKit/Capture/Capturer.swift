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

    /// Runs the capture. On any error nothing is left under the output name.
    public func run() throws -> CaptureResult {
        let profile = options.profile
        let variables = try VariableResolver(profile: profile, os: options.os, overrides: options.overrides).resolve()
        let mapper = PathMapper(root: options.root, os: options.os)
        let (sources, skipped) = try ItemCollector(mapper: mapper, variables: variables, onEvent: onEvent).collect(profile.items)
        for item in skipped { onEvent?(.warning("item '\(item)': nothing found; optional, skipped")) }

        if try FileStatus.of(options.output) != nil { throw FileSystemError.alreadyExists(path: options.output) }
        let writer = try BundleWriter(
            destination: options.output, compression: options.compression, level: options.compressionLevel, onEvent: onEvent)
        let total = sources.reduce(Int64(0)) { $0 + $1.status.size }
        var done: Int64 = 0
        var entries: [ManifestEntry] = []
        do {
            for source in sources {
                let digest = try writer.add(source) { count in
                    done += count
                    onEvent?(.progress(phase: "capture", completed: done, total: total, item: source.member))
                }
                entries.append(ManifestEntry(
                    member: source.member, target: source.target, item: source.item.id, role: source.item.role,
                    size: source.status.size, permissions: source.status.permissions,
                    mtime: source.status.mtimeSeconds, mtimeNanoseconds: source.status.mtimeNanoseconds, sha256: digest))
            }
            let manifest = makeManifest(variables: variables, entries: entries, skipped: skipped)
            let manifestData = try manifest.encoded()
            let checksums = ChecksumList(
                [(BundleLayout.manifest, SHA256Stream.hex(manifestData))] + entries.map { ($0.member, $0.sha256) })
            let checksumData = Data(checksums.rendered().utf8)
            let signature = options.signingKey.sign(
                checksumData, trustedComment: manifest.trustedComment,
                untrustedComment: "signature from bundle secret key \(options.signingKey.publicKey.keyIDHex)")
            let size = try writer.finish(
                manifest: manifestData, checksums: checksumData, signature: Data(signature.fileContents().utf8),
                created: Int64(options.created.timeIntervalSince1970.rounded(.down)))
            return CaptureResult(manifest: manifest, output: options.output, bundleBytes: size, sourceBytes: total)
        } catch {
            writer.discard()
            throw error
        }
    }

    private func makeManifest(variables: [String: String], entries: [ManifestEntry], skipped: [String]) -> Manifest {
        let profile = options.profile
        return Manifest(
            version: BundleLayout.formatVersion,
            tool: .init(name: "bundle", version: BundleVersion.current),
            created: Self.timestamp(options.created),
            source: .init(host: options.host, os: options.os),
            profile: .init(id: profile.id, name: profile.name, version: profile.version, sha256: profile.sha256, text: profile.text),
            variables: variables,
            overrides: options.overrides,
            entries: entries.sorted { BundleLayout.precedes($0.member, $1.member) },
            skippedItems: skipped,
            plan: RestorePlan.outline(fileCount: entries.count),
            checklist: profile.checklist)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, whole seconds, UTC.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
