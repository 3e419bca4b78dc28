import ArchiveIO
import Foundation

extension Verifier {
    /// Reads the payload, checking each member against its entry (found through `index`,
    /// expected where `expected` says so) with the digest SHA256SUMS signs, and counting the
    /// bytes checked in `progress`. Returns whether the reading reached the archive's end (every
    /// member read and checked, whatever problems were found).
    func streamPayload(
        _ reader: PaxReader, _ expectation: PayloadExpectation, sink: PayloadSink?, progress: inout PayloadProgress, into report: inout VerifyReport
    ) throws -> Bool {
        let (manifest, index, expected) = (expectation.manifest, expectation.index, expectation.expected)
        // Seen members: by position when expected (one byte each), by name otherwise.
        var seen = [Bool](repeating: false, count: manifest.entries.count)
        var seenOthers = Set<String>()
        var reachedEnd = false
        var previous: String?
        var current: String?
        // Members come in member order, as the entries do: each is looked for after the last.
        var next = 0
        do {
            var members = 0
            while let header = try reader.next() {
                // Its stored tar header, taken for every entry so that the next ones stay in step.
                let raw = reader.layout?.take()
                current = header.path
                let name = header.path
                members += 1
                if members > limits.maximumMemberCount {
                    report.problems.append(.limitExceeded(what: "archive members", limit: Int64(limits.maximumMemberCount), actual: Int64(members)))
                    current = nil
                    break
                }
                guard header.pathIsValidUTF8 else {
                    // Its lossy rendering could collide with a real name; refuse it as it is.
                    report.problems.append(.nameNotUTF8(member: name))
                    try reader.skip()
                    continue
                }
                guard let position = index.position(of: name, in: manifest.entries, near: next), expected[position] else {
                    report.problems.append(seenOthers.insert(name).inserted ? .extra(member: name) : .duplicate(member: name))
                    try reader.skip()
                    continue
                }
                guard !seen[position] else {
                    report.problems.append(.duplicate(member: name))
                    try reader.skip()
                    continue
                }
                seen[position] = true
                next = position + 1
                let entry = manifest.entries[position]
                if let previous, !BundleLayout.precedes(previous, name) {
                    report.problems.append(.outOfOrder(member: name))
                } else {
                    previous = name
                }
                if let link = entry.link {
                    if header.kind != .symlink(target: link) {
                        report.problems.append(.linkMismatch(member: name, expected: link, found: Self.describe(header.kind)))
                    } else {
                        report.membersChecked += 1
                        if let permissions = entry.permissions {
                            let canonical = EntryHeader(
                                path: name, kind: .symlink(target: link), size: 0, permissions: permissions,
                                mtimeSeconds: entry.mtime, mtimeNanoseconds: entry.mtimeNanoseconds)
                            if let problem = Self.compare(raw, with: canonical, member: name) { report.problems.append(problem) }
                        }
                    }
                    try reader.skip()
                    continue
                }
                guard header.kind == .regular else {
                    report.problems.append(.notRegular(member: name, kind: Self.describe(header.kind)))
                    try reader.skip()
                    continue
                }
                guard header.size == entry.size else {
                    report.problems.append(.sizeMismatch(member: name, expected: entry.size, actual: header.size))
                    try reader.skip()
                    continue
                }
                // (A mode that is not octal is `malformed` already: nothing to compare with.)
                if let permissions = entry.permissions {
                    let canonical = EntryHeader(
                        path: name, size: entry.size, permissions: entry.encrypted ? BundleLayout.encryptedMemberPermissions.rawValue : permissions,
                        mtimeSeconds: entry.mtime, mtimeNanoseconds: entry.mtimeNanoseconds)
                    if let problem = Self.compare(raw, with: canonical, member: name) { report.problems.append(problem) }
                }
                try SinkFailure.wrap { try sink?.begin(entry) }
                let (digest, count) = try reader.digestMember { chunk in
                    try SinkFailure.wrap { try sink?.write(chunk) }
                    progress.checked(chunk.count, of: name)
                }
                report.membersChecked += 1
                report.bytesChecked += count
                var intact = true
                if count != entry.size {
                    report.problems.append(.sizeMismatch(member: name, expected: entry.size, actual: count))
                    intact = false
                } else if digest != entry.sha256 {
                    report.problems.append(.checksumMismatch(member: name, expected: entry.sha256, actual: digest))
                    intact = false
                }
                try SinkFailure.wrap { try sink?.end(entry, intact: intact) }
            }
            current = nil
            reachedEnd = members <= limits.maximumMemberCount
            // The end was reached: the bytes between and after the members, and the framing.
            if let problem = reader.layout?.problem {
                report.problems.append(.nonCanonical(
                    member: problem.member, range: "tar stream bytes \(problem.range.lowerBound)..<\(problem.range.upperBound)", reason: problem.reason))
            }
            for problem in reader.framingProblems {
                report.problems.append(.nonCanonical(
                    member: nil, range: "file bytes \(problem.range.lowerBound)..<\(problem.range.upperBound)", reason: problem.reason))
            }
        } catch let failure as SinkFailure {
            throw failure.underlying  // staging or decryption failed: not a fault of the archive
        } catch {
            report.problems.append(.truncated(member: current ?? previous, reason: String(describing: error)))
        }
        let missing = manifest.entries.positions.filter { expected[$0] && !seen[$0] }
        for position in missing.sorted(by: manifest.entries.memberPrecedes) {
            report.problems.append(.missing(member: manifest.entries.member(at: position)))
        }
        return reachedEnd
    }
}

/// An error from the payload sink, kept apart from archive errors on its way out.
private struct SinkFailure: Error {
    let underlying: Error

    static func wrap(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            throw SinkFailure(underlying: error)
        }
    }
}
