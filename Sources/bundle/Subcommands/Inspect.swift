import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle inspect`.
    struct Inspect: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a bundle holds (profile, source, entries) and whether its profile is one this machine trusts, without any key. Nothing is verified.")

        @Argument(help: "The bundle file; - reads it from standard input.")
        var bundle: String

        @Option(name: .long, help: ArgumentHelp("A profile this machine trusts besides the shipped ones (a file, or a shipped id); repeatable, as on restore.", valueName: "FILE"))
        var profile: [String] = []

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (path, spool) = try StandardStream.input(bundle)
            defer { spool?.remove() }
            var inspection = try Inspector.inspect(path)
            inspection.bundle = bundle
            let manifest = inspection.manifest
            let loader = ProfileLocations.current.loader
            let trust = ProfileTrustCheck(manifest: manifest, trusted: loader.trustedProfiles(adding: try profile.map { try loader.load($0) }))
            if output.json {
                JSONOutput.print(InspectSummary(inspection, trust: trust))
                return
            }
            Terminal.out("bundle:     \(bundle) (\(Format.bytes(inspection.bundleBytes)), \(inspection.compression), unverified)")
            Terminal.out("profile:    \(manifest.profile.name) (\(manifest.profile.id), profile version \(manifest.profile.version))")
            Terminal.out("source:     \(manifest.source.host) (\(manifest.source.os.rawValue)), \(manifest.created)")
            Terminal.out("signed by:  \(inspection.signerKeyID ?? "?")")
            Terminal.out("trusted:    " + Self.describe(trust))
            for command in trust.commands { Terminal.out("  \(command)") }
            Terminal.out("entries:    \(manifest.entries.count)")
            let lines = OutputSink()
            for entry in manifest.entries {
                lines.write("  \(entry.mode) \(String(entry.size).leftPadded(10)) \(entry.role.rawValue.padded(11)) \(entry.target)\(entry.link.map { " -> \($0)" } ?? "")\n".utf8)
            }
            lines.flush()
            if !manifest.skippedItems.isEmpty { Terminal.out("skipped:    \(manifest.skippedItems.joined(separator: ", "))") }
            if !manifest.checklist.isEmpty {
                Terminal.out("checklist:")
                for step in manifest.checklist { Terminal.out("  - \(step)") }
            }
        }

        /// One line: whether restore would run the profile's commands, and why.
        static func describe(_ trust: ProfileTrustCheck) -> String {
            let digest = "profile text SHA-256 \(trust.sha256)" + (trust.recordMatches ? "" : ", not the digest the manifest records")
            if let path = trust.trustedProfile {
                return "yes, identical to \(path) (\(digest)); restore runs its \(trust.commands.count) command(s)"
            }
            if let error = trust.profileError { return "no: the profile does not parse (\(error))" }
            if trust.commands.isEmpty { return "no, but its profile runs no commands on restore (\(digest))" }
            return "no: no trusted profile has this text (\(digest)); restore runs its \(trust.commands.count) command(s) only with --allow-bundle-commands or --profile FILE"
        }
    }
}

/// `bundle inspect --json` (the manifest's entries written one at a time: `ManifestEntries`
/// is a `StreamedJSONArray`).
struct InspectSummary: Encodable {
    var bundle: String
    var bundleBytes: Int64
    var compression: String
    var signerKeyID: String?
    var trustedComment: String?
    var manifest: Manifest
    /// Whether the bundle's profile is identical to one this machine trusts, and its commands.
    var profileTrust: ProfileTrustCheck

    init(_ inspection: Inspection, trust: ProfileTrustCheck) {
        bundle = inspection.bundle
        bundleBytes = inspection.bundleBytes
        compression = inspection.compression
        signerKeyID = inspection.signerKeyID
        trustedComment = inspection.trustedComment
        manifest = inspection.manifest
        profileTrust = trust
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
