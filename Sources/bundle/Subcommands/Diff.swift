import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle diff`.
    struct Diff: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the files a bundle lists with the live ones: missing, changed content, changed mode. Exit 0 identical, 1 different.")

        @Argument(help: "The bundle file.")
        var bundle: String

        @Option(name: .long, help: "Verify the bundle's signed front with this key first (otherwise it is read unverified, as inspect does).")
        var pubkey: String?

        @OptionGroup var location: LocationOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var options = DiffOptions(bundle: bundle)
            options.root = location.absoluteRoot
            options.os = location.os
            options.overrides = try location.overrides()
            options.publicKey = try pubkey.map { try KeyFiles.publicKey($0) }
            let report = try Differ(options: options).run()
            if output.json {
                JSONOutput.print(DiffSummary(identical: report.isIdentical, bundle: report.bundle, entries: report.entries))
            } else {
                for entry in report.entries where entry.state != .same {
                    var what = entry.state.rawValue
                    if entry.state == .changed {
                        what = [entry.contentChanged ? "content" : nil, entry.modeChanged ? "mode \(entry.expectedMode) -> \(entry.actualMode ?? "?")" : nil]
                            .compactMap { $0 }.joined(separator: ", ")
                        what = "changed (\(what))"
                    }
                    Terminal.out("\(what.padded(14)) \(entry.path.isEmpty ? entry.member : entry.path)")
                }
                let compared = report.entries.filter { $0.state != .notCompared }.count
                Terminal.out(report.isIdentical
                    ? "identical: \(compared) file(s) compared with \(bundle)"
                    : "different: \(report.entries.filter { $0.state != .same && $0.state != .notCompared }.count) of \(compared) file(s) differ from \(bundle)")
            }
            if !report.isIdentical { throw ExitCode(ExitCodes.verificationFailed) }
        }
    }
}

/// `bundle diff --json`.
struct DiffSummary: Encodable {
    var identical: Bool
    var bundle: String
    var entries: [DiffEntry]
}
