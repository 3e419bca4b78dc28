import ArchiveIO
import ArgumentParser
import BundleKit
import Foundation

extension BundleCommand {
    /// `bundle create`.
    struct Create: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture a product's files, as its profile names them, into one signed bundle.")

        @Option(name: .long, help: "A profile file, or the id of a profile shipped in Formats/.", completion: .profiles)
        var profile: String

        @Option(name: .long, help: "Secret key that signs the bundle (bundle keygen, or minisign -G -W).")
        var signKey: String

        @Option(name: .long, help: "The bundle file to write; - writes it to standard output once it is whole (the summary then goes to standard error).")
        var out: String

        @Option(name: .long, help: "gzip (default), zstd or none.")
        var compression: Compression = .gzip

        @Option(name: .long, help: "Compression level (gzip 1-9, zstd 1-19).")
        var level: Int?

        @Flag(name: .long, help: "Store private keys and secrets unencrypted when no --recipient or --passphrase-file is given.")
        var allowPlaintextSecrets = false

        @Flag(name: .long, help: "Stop the profile's services for a consistent copy; they are always started again.")
        var stopServices = false

        @OptionGroup var operations: OperationOptions
        @OptionGroup var secrets: SecretOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if out == StandardStream.argument, output.json {
                throw ValidationError("--out - writes the bundle to standard output, so --json cannot: leave one out.")
            }
        }

        func run() async throws {
            let profile = try ProfileLocations.current.loader.load(profile)
            // `--out -`: written to a private file, then streamed whole; nothing else on stdout.
            let streamed = out == StandardStream.argument ? StreamedBundle.reserveOutput(in: StandardStream.folder) : nil
            defer { streamed?.remove() }
            var options = CaptureOptions(profile: profile, output: streamed?.path ?? out.absolutePath, signingKey: try KeyFiles.secretKey(at: signKey))
            try location.apply(to: &options)
            options.compression = compression
            options.compressionLevel = level
            options.lock = try secrets.lock()
            options.allowPlaintextSecrets = allowPlaintextSecrets
            options.stopServices = stopServices
            try operations.apply(to: &options)
            if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
                options.created = Date(timeIntervalSince1970: seconds)
            }
            let progress = ProgressBar(json: output.json)
            let result = try Capturer(options: options, onEvent: progress.handler).run()
            progress.finish()
            if let streamed {
                try streamed.copyToStandardOutput()
            }
            let toStandardError = streamed != nil
            func say(_ text: String) {
                if toStandardError { Terminal.err(text) } else { Terminal.out(text) }
            }
            if output.json {
                JSONOutput.print(CreateSummary(result))
            } else {
                say("wrote \(streamed == nil ? result.output : "standard output"): \(result.fileCount) file(s), \(Format.bytes(result.sourceBytes)) captured, \(Format.bytes(result.bundleBytes)) on disk")
                for item in result.outline.skippedItems { say("  skipped optional item '\(item)' (nothing found)") }
                let encrypted = result.encryptedCount
                if encrypted > 0 { say("  \(encrypted) secret(s) encrypted with age") }
                for command in result.commands { say("  ran \(command.command.joined(separator: " "))") }
            }
        }
    }
}

/// `bundle create --json`.
struct CreateSummary: Encodable {
    var bundle: String
    var profile: String
    var files: Int
    var sourceBytes: Int64
    var bundleBytes: Int64
    var skippedItems: [String]
    var created: String

    init(_ result: CaptureResult) {
        bundle = result.output
        profile = result.outline.profile.id
        files = result.fileCount
        sourceBytes = result.sourceBytes
        bundleBytes = result.bundleBytes
        skippedItems = result.outline.skippedItems
        created = result.outline.created
    }
}
