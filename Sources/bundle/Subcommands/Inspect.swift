import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle inspect`.
    struct Inspect: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a bundle holds (profile, source, entries), without any key. Nothing is verified.")

        @Argument(help: "The bundle file.")
        var bundle: String

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let inspection = try Inspector.inspect(bundle)
            let manifest = inspection.manifest
            if output.json {
                JSONOutput.print(InspectSummary(inspection))
                return
            }
            Terminal.out("bundle:     \(bundle) (\(Format.bytes(inspection.bundleBytes)), \(inspection.compression), unverified)")
            Terminal.out("profile:    \(manifest.profile.name) (\(manifest.profile.id), profile version \(manifest.profile.version))")
            Terminal.out("source:     \(manifest.source.host) (\(manifest.source.os.rawValue)), \(manifest.created)")
            Terminal.out("signed by:  \(inspection.signerKeyID ?? "?")")
            Terminal.out("entries:    \(manifest.entries.count)")
            for entry in manifest.entries {
                Terminal.out("  \(entry.mode) \(String(entry.size).leftPadded(10)) \(entry.role.rawValue.padded(11)) \(entry.target)\(entry.link.map { " -> \($0)" } ?? "")")
            }
            if !manifest.skippedItems.isEmpty { Terminal.out("skipped:    \(manifest.skippedItems.joined(separator: ", "))") }
            if !manifest.checklist.isEmpty {
                Terminal.out("checklist:")
                for step in manifest.checklist { Terminal.out("  - \(step)") }
            }
        }
    }
}

/// `bundle inspect --json`.
struct InspectSummary: Encodable {
    var bundle: String
    var bundleBytes: Int64
    var compression: String
    var signerKeyID: String?
    var trustedComment: String?
    var manifest: Manifest

    init(_ inspection: Inspection) {
        bundle = inspection.bundle
        bundleBytes = inspection.bundleBytes
        compression = inspection.compression
        signerKeyID = inspection.signerKeyID
        trustedComment = inspection.trustedComment
        manifest = inspection.manifest
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
