import ArchiveIO
import BundleCrypto
import Foundation

/// `bundle verify`: checks a bundle offline against a public key, front to back, in one pass.
public struct Verifier {
    /// The bundle file.
    public let bundle: String
    /// The key the signature must come from.
    public let publicKey: MinisignPublicKey
    /// How much the bundle may declare.
    public let limits: VerifyLimits
    /// Where a large manifest or checksum list is spooled while it is read (the temporary folder by default).
    public let scratchFolder: String
    /// Where progress and warnings go.
    let onEvent: EventHandler?

    /// A verifier of `bundle` against `publicKey`, reporting progress through `onEvent`.
    public init(bundle: String, publicKey: MinisignPublicKey, limits: VerifyLimits = .standard, scratchFolder: String? = nil, onEvent: EventHandler? = nil) {
        self.bundle = bundle
        self.publicKey = publicKey
        self.limits = limits
        self.scratchFolder = scratchFolder ?? FileManager.default.temporaryDirectory.path
        self.onEvent = onEvent
    }

    /// Checks only the front of the bundle: signature, SHA256SUMS, the manifest, its limits and
    /// targets; reads no payload.
    public func runHeader() throws -> VerifyReport {
        try open(frontOnly: true).readFront()
    }

    /// Reads the whole bundle and returns every problem found; `sink` receives the bytes of
    /// each listed member as they stream, once the signed front holds. Throws only when the
    /// file cannot be opened (`FileSystemError`) or the sink fails.
    public func run(sink: PayloadSink? = nil) throws -> VerifyReport {
        let reading = try open()
        // Without a sink nothing is handed on, so the front's self-consistency checks may run
        // beside the payload (`DeferredProblems`); the report is the same.
        _ = reading.readFront(deferringChecks: sink == nil)
        return try reading.streamPayload(into: sink)
    }

    /// Opens the bundle for one read in two stages: `readFront()` (signature, SHA256SUMS,
    /// manifest), then `streamPayload(into:)`. Restore plans and runs its preflight between
    /// the two, before the first payload byte. `frontOnly` reads no payload at all.
    public func open(frontOnly: Bool = false) throws -> BundleReading {
        let file = try LocalFileSystem.openForReading(bundle)
        do {
            // Reading the payload, decompression runs on a core of its own.
            let reader = try PaxReader(
                fileDescriptor: file.rawValue, decompressInBackground: !frontOnly, strict: !frontOnly, onWarning: { onEvent?(.warning("\(bundle): \($0)")) })
            return BundleReading(verifier: self, reader: reader, closeFile: { try? file.close() })
        } catch {
            try? file.close()
            var reason = String(describing: error)
            if !frontOnly, case ArchiveError.unsupportedFormat = error {
                // Name the bytes: the compression was recognized (the tar header is damaged) or not.
                let start = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: bundle)).read(upToCount: 4)).map { [UInt8]($0) } ?? []
                let compressed = start.starts(with: [0x1f, 0x8b, 8]) || start == [0x28, 0xB5, 0x2F, 0xFD]
                reason += compressed
                    ? " (tar stream bytes 0..<512, the first member's tar header, are damaged)"
                    : " (file bytes 0..<512 start neither a gzip member, a zstd frame nor a tar header)"
            }
            var report = VerifyReport(bundle: bundle)
            report.problems.append(.unreadable(reason: reason))
            return BundleReading(verifier: self, unreadable: report)
        }
    }

    /// What the payload stage checks members against, once the front is read.
    struct PayloadExpectation {
        /// The manifest, each entry's digest the one SHA256SUMS signs.
        let manifest: Manifest
        /// Finds an entry by member.
        let index: MemberIndex
        /// By entry position: whether a member of that name is expected in the payload.
        let expected: [Bool]
        /// The bytes of the expected members' contents: the payload phase's total.
        let payloadBytes: Int64
        /// The front's checks still running, when they were deferred.
        var deferred: DeferredProblems?
    }

    /// Reads and checks the front into `report`; nil when reading on is pointless or unsafe
    /// (a header member missing, a manifest that does not parse, a limit exceeded).
    /// `deferChecks` leaves `ManifestConsistency` running on its own thread (`deferred`).
    func readFront(_ reader: PaxReader, into report: inout VerifyReport, deferChecks: Bool = false) -> PayloadExpectation? {
        var header: BundleHeader.Members
        // MANIFEST.json's SHA-256 and SHA256SUMS's BLAKE2b (the signature's prehash) are taken
        // as their bytes arrive, beside the core that inflates them, rather than in passes of
        // their own; and progress moves while a manifest of a million entries is read.
        var manifestHash = SHA256Stream()
        var prehash = BLAKE2b()
        do {
            header = try BundleHeader.Members.read(
                from: reader, inMemoryLimit: limits.headerMemberInMemory, scratchFolder: scratchFolder,
                maximumSize: limits.maximumHeaderMemberSize,
                observe: { member, piece, read, size in
                    switch member {
                    case BundleLayout.manifest:
                        manifestHash.update(piece)
                        onEvent?(.progress(phase: VerifyPhase.manifest, completed: read, total: size, item: member))
                    case BundleLayout.checksums:
                        prehash.update(piece)
                        onEvent?(.progress(phase: VerifyPhase.checksums, completed: read, total: size, item: member))
                    default: break
                    }
                })
        } catch {
            report.problems.append(VerifyProblem(error))
            return nil
        }

        // The three header members' tar headers as stored, checked once the manifest says when
        // they were written.
        let frontHeaders = [(BundleLayout.manifest, header.manifest.count), (BundleLayout.checksums, header.checksums.count), (BundleLayout.signature, header.signature.count)]
            .map { (name: $0.0, size: Int64($0.1), raw: reader.layout?.take()) }

        // The signature comes first: until it holds, nothing below is trusted.
        do {
            let signature = try MinisignSignature(fileContents: String(decoding: header.signature.bytes, as: UTF8.self), source: BundleLayout.signature)
            report.signerKeyID = signature.keyIDHex
            report.trustedComment = signature.trustedComment
            try signature.verify(prehash: prehash.finalize(), message: { header.checksums.bytes }, with: publicKey)
            // The untrusted comment and the line layout are covered by nothing: they must be
            // exactly what the writer puts there.
            let canonical = Array(signature.fileContents().utf8)
            let stored = [UInt8](header.signature.bytes)
            if signature.untrustedComment != Self.untrustedComment(keyID: signature.keyIDHex) {
                report.problems.append(.nonCanonical(
                    member: BundleLayout.signature, range: "line 1",
                    reason: "the untrusted comment is not '\(Self.untrustedComment(keyID: signature.keyIDHex))'"))
            } else if stored != canonical {
                let at = Self.firstDifference(stored, canonical)
                report.problems.append(.nonCanonical(
                    member: BundleLayout.signature, range: "bytes \(at)..<\(max(stored.count, canonical.count))",
                    reason: "the file is not the four lines minisign writes for this signature"))
            }
        } catch {
            report.problems.append(.signature(String(describing: error)))
        }
        // Each header member's text is let go once it is decoded: for 100,000 files they are
        // ~57 MB beside what is decoded from them (and, spooled, never held whole).
        let manifestDigest = manifestHash.hex()
        var decoding = DecodeProgress(manifest: header.manifest.count, checksums: header.checksums.count, onEvent: onEvent)
        decoding.start()
        let decoded = header.manifest.scan { bytes, release in
            Result { () throws(ManifestError) in
                try Manifest.decode(
                    bytes, maximumDepth: limits.maximumManifestDepth, release: { release($0); decoding.passed($0) },
                    decoded: { decoding.manifest(at: $0) }, scratchFolder: scratchFolder)
            }
        }
        header.manifest = HeaderMemberBytes(Data())
        // The manifest's self-consistency checks need nothing else: they start now, on a
        // second core, while this one reads SHA256SUMS (their problems keep their place).
        let limitProblem = (try? decoded.get()).flatMap(checkLimits)
        let consistency = (try? decoded.get()).flatMap { manifest in
            limitProblem == nil ? DeferredProblems { ManifestConsistency.problems(in: manifest) } : nil
        }
        // Waited for on every way out, unless handed on to the payload stage.
        var handedOn = false
        defer { if !handedOn { consistency?.discard() } }
        // SHA256SUMS is read against the manifest's entries, line by line, and let go.
        let entries = (try? decoded.get())?.entries ?? []
        let index = MemberIndex(entries, progress: { decoding.indexed($0, of: entries.count) })
        let listing: ChecksumListing
        do {
            listing = try header.checksums.scan { bytes, release in
                Result { () throws(ManifestError) in
                    try ChecksumListing(bytes, entries: entries, index: index, release: { release($0); decoding.checksums(at: $0) })
                }
            }.get()
        } catch {
            report.problems.append(.malformed(member: BundleLayout.checksums, reason: error.description))
            return nil
        }
        header.checksums = HeaderMemberBytes(Data())
        if let listed = listing.manifestDigest, listed != manifestDigest {
            report.problems.append(.checksumMismatch(member: BundleLayout.manifest, expected: listed, actual: manifestDigest))
        } else if listing.manifestDigest == nil {
            report.problems.append(.listsDisagree(member: BundleLayout.manifest, reason: "SHA256SUMS has no line for it"))
        }
        let manifest: Manifest
        switch decoded {
        case .success(let value): manifest = value
        case .failure(let error):
            report.problems.append(.malformed(member: BundleLayout.manifest, reason: error.description))
            return nil
        }
        report.manifest = manifest
        if let created = Timestamp.epoch(manifest.created) {
            for front in frontHeaders {
                let canonical = EntryHeader(path: front.name, size: front.size, permissions: BundleLayout.headerMemberPermissions.rawValue, mtimeSeconds: created)
                if let problem = Self.compare(front.raw, with: canonical, member: front.name) { report.problems.append(problem) }
            }
        }
        if let found = report.trustedComment, found != manifest.trustedComment {
            report.problems.append(.trustedCommentMismatch(expected: manifest.trustedComment, found: found))
        }
        if let exceeded = limitProblem {
            // Reading on could mean terabytes: stop here, with the one problem that says why.
            report.problems.append(exceeded)
            return nil
        }
        consistency?.index = report.problems.count
        if !deferChecks { consistency?.merge(into: &report) }
        var checked = manifest
        let expected = crossCheck(&checked, listing, index, into: &report)
        handedOn = deferChecks
        decoding.finish()
        return PayloadExpectation(
            manifest: checked, index: index, expected: expected, payloadBytes: Self.payloadBytes(checked.entries, expected),
            deferred: deferChecks ? consistency : nil)
    }

    /// The bytes of the members the payload is to have (links have none).
    static func payloadBytes(_ entries: ManifestEntries, _ expected: [Bool]) -> Int64 {
        var total: Int64 = 0
        for position in entries.positions where expected[position] && !entries.isLink(at: position) {
            total &+= entries.size(at: position)
        }
        return total
    }

    /// The first limit the manifest's declarations exceed, if any.
    private func checkLimits(_ manifest: Manifest) -> VerifyProblem? {
        if manifest.entries.count > limits.maximumMemberCount {
            return .limitExceeded(what: "payload members", limit: Int64(limits.maximumMemberCount), actual: Int64(manifest.entries.count))
        }
        // Sizes read from the packed entries: no whole entry (strings and all) is built here, on
        // the front's one core.
        var total: Int64 = 0
        let entries = manifest.entries
        for position in entries.positions {
            let size = entries.size(at: position)
            guard size >= 0 else {
                return .malformed(member: BundleLayout.manifest, reason: "\(entries.member(at: position)) has a negative size (\(size))")
            }
            let (sum, overflow) = total.addingReportingOverflow(size)
            total = overflow ? .max : sum
        }
        if total > limits.maximumPayloadSize {
            return .limitExceeded(what: "payload bytes", limit: limits.maximumPayloadSize, actual: total)
        }
        return nil
    }

    /// Checks that MANIFEST.json and the signed SHA256SUMS describe the same members; returns,
    /// by entry position, whether the payload is to have that member. SHA256SUMS's digest is
    /// the authority: where the two differ, `manifest` gets it.
    private func crossCheck(_ manifest: inout Manifest, _ listing: ChecksumListing, _ index: MemberIndex, into report: inout VerifyReport) -> [Bool] {
        let entries = manifest.entries
        var expected = [Bool](repeating: false, count: entries.count)
        var duplicates = Set(index.duplicates)
        for position in entries.positions {
            let member = entries.member(at: position)
            do {
                try PathMapper.checkMember(member)
            } catch {
                report.problems.append(.invalidMemberPath(member: member))
                continue
            }
            if duplicates.remove(position) != nil {
                report.problems.append(.duplicate(member: member))
                continue
            }
            if entries.isLink(at: position) {
                // A link has no bytes; the signed manifest carries its text instead.
                if listing.listed[position] {
                    report.problems.append(.listsDisagree(member: member, reason: "a symbolic link has no bytes, so SHA256SUMS must not list it"))
                }
                expected[position] = true
                continue
            }
            guard listing.listed[position] else {
                report.problems.append(.listsDisagree(member: member, reason: "not in SHA256SUMS"))
                continue
            }
            let listed = listing.differing[position]
            if let listed {
                report.problems.append(.listsDisagree(member: member, reason: "digests differ"))
                manifest.entries.setDigest(listed, at: position)
            }
            // (The digest as hex only where it is compared: for most bundles, nowhere.)
            if !manifest.neverCopy.isEmpty, !entries[position].encrypted,
                case let digest = listed ?? entries.digest(at: position),
                let marked = manifest.neverCopy.first(where: { $0.value == digest && $0.key != entries[position].item })?.key {
                report.problems.append(.neverCopy(member: member, markedBy: marked))
            }
            expected[position] = true
        }
        for member in listing.unlisted {
            report.problems.append(.listsDisagree(member: member, reason: "in SHA256SUMS but not in MANIFEST.json"))
        }
        return expected
    }
}
