import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle diff`.
    struct Diff: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare what a bundle or snapshot holds with the live files: added, missing, changed content, changed mode. Exit 0 identical, 1 different.",
            discussion: "Secrets are compared by the SHA-256 of their decrypted content (never written, never printed) when an identity opens them: --identity with --pubkey, or for --snapshot the store's (or --identity for a snapshot made with --recipient); otherwise they are listed as not compared.")

        @Argument(help: "The bundle file (or --snapshot ID).")
        var bundle: String?

        @Option(name: .long, help: ArgumentHelp("Compare a snapshot of the store instead of a bundle file.", valueName: "ID"))
        var snapshot: String?

        @Option(name: .long, help: "Verify the bundle's signed front with this key first (otherwise it is read unverified, as inspect does).")
        var pubkey: String?

        @OptionGroup var opening: UnlockOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (bundle == nil) != (snapshot == nil) else { throw ValidationError("Give a bundle file or --snapshot ID (not both).") }
            if snapshot != nil, pubkey != nil {
                throw ValidationError("--snapshot uses the store's public key; leave out --pubkey.")
            }
        }

        func run() async throws {
            let progress = ProgressBar(json: output.json)
            let report: DiffReport
            let source: String
            if let snapshot {
                report = try store.snapshotStore.diff(snapshot, configure: { options in
                    try location.apply(to: &options)
                    try opening.apply(to: &options)
                }, onEvent: progress.handler)
                source = "snapshot \(snapshot)"
            } else {
                var options = DiffOptions(bundle: bundle!)
                try location.apply(to: &options)
                options.publicKey = try pubkey.map { try KeyFiles.publicKey($0) }
                try opening.apply(to: &options)
                report = try Differ(options: options, onEvent: progress.handler).run()
                source = bundle!
            }
            progress.finish()
            if output.json {
                JSONOutput.print(DiffSummary(identical: report.isIdentical, bundle: report.bundle, entries: report.entries, added: report.added))
            } else {
                Self.print(report, source: source)
            }
            if !report.isIdentical { throw ExitCode(ExitCodes.verificationFailed) }
        }

        private static func print(_ report: DiffReport, source: String) {
            for entry in report.entries where entry.state != .same {
                var what = entry.state.rawValue
                if entry.state == .changed {
                    what = [entry.contentChanged ? "content" : nil, entry.modeChanged ? "mode \(entry.expectedMode) -> \(entry.actualMode ?? "?")" : nil,
                            entry.ownerChanged ? "owner \(entry.expectedOwner ?? "?") -> \(entry.actualOwner ?? "?")" : nil]
                        .compactMap { $0 }.joined(separator: ", ")
                    what = "changed (\(what))"
                }
                Terminal.out("\(what.padded(14)) \(entry.path.isEmpty ? entry.member : entry.path)")
            }
            for file in report.added { Terminal.out("\("added".padded(14)) \(file.path) (\(file.mode), item \(file.item))") }
            let compared = report.entries.filter { $0.state != .notCompared }.count
            let differing = report.entries.filter { $0.state != .same && $0.state != .notCompared }.count
            Terminal.out(report.isIdentical
                ? "identical: \(compared) file(s) compared with \(source)"
                : "different: \(differing) of \(compared) file(s) differ from \(source), \(report.added.count) added")
        }
    }
}

/// `bundle diff --json`.
struct DiffSummary: Encodable {
    var identical: Bool
    var bundle: String
    var entries: [DiffEntry]
    var added: [AddedFile]
}
