import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle verify`.
    struct Verify: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a bundle offline: signature, every checksum, nothing missing or extra.")

        @Argument(help: "The bundle file; - reads it from standard input.")
        var bundle: String

        @Option(name: .long, help: "The signer's public key: a minisign .pub file or its base64 line.")
        var pubkey: String

        @OptionGroup var limits: LimitOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let key = try KeyFiles.publicKey(pubkey)
            let progress = ProgressBar(json: output.json)
            let (path, spool) = try StandardStream.input(bundle)
            defer { spool?.remove() }
            var report = try Verifier(bundle: path, publicKey: key, limits: try limits.limits(), onEvent: progress.handler).run()
            report.bundle = bundle
            progress.finish()
            if output.json {
                JSONOutput.print(VerifySummary(report))
            } else if report.isValid, let manifest = report.manifest {
                Terminal.out("OK \(bundle): signed by \(report.signerKeyID ?? "?"), \(report.membersChecked) member(s), \(Format.bytes(report.bytesChecked)) checked")
                Terminal.out("   \(manifest.profile.name) (\(manifest.profile.id)) from \(manifest.source.host), \(manifest.created)")
            } else {
                Terminal.out("FAILED \(bundle): \(report.problems.count) problem(s)")
                for problem in report.problems { Terminal.out("  - \(problem)") }
            }
            if !report.isValid { throw ExitCode(ExitCodes.verificationFailed) }
        }
    }
}

/// `bundle verify --json`.
struct VerifySummary: Encodable {
    struct Problem: Encodable {
        var code: String
        var member: String?
        var message: String
    }

    var bundle: String
    var valid: Bool
    var signerKeyID: String?
    var trustedComment: String?
    var profile: String?
    var sourceHost: String?
    var created: String?
    var membersChecked: Int
    var bytesChecked: Int64
    /// A bundle broken throughout has a problem per member: written one at a time.
    var problems: StreamedList<Problem>

    init(_ report: VerifyReport) {
        bundle = report.bundle
        valid = report.isValid
        signerKeyID = report.signerKeyID
        trustedComment = report.trustedComment
        profile = report.manifest?.profile.id
        sourceHost = report.manifest?.source.host
        created = report.manifest?.created
        membersChecked = report.membersChecked
        bytesChecked = report.bytesChecked
        problems = StreamedList(report.problems.lazy.map { Problem(code: $0.code, member: $0.member, message: $0.description) })
    }
}
