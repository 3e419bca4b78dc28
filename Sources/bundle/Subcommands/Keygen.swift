import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle keygen --out PREFIX`.
    struct Keygen: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a signing key pair: PREFIX.key (secret, 0600) and PREFIX.pub (minisign format).")

        @Option(name: .long, help: "Path prefix of the two files.")
        var out: String

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let made = try KeyFiles.generate(prefix: out)
            if output.json {
                JSONOutput.print(["secretKey": made.secretKey, "publicKey": made.publicKey, "keyID": made.key.keyIDHex])
            } else {
                Terminal.out("secret key: \(made.secretKey) (keep it private)")
                Terminal.out("public key: \(made.publicKey) (key id \(made.key.keyIDHex))")
                Terminal.out("verify with: bundle verify FILE --pubkey \(made.publicKey)")
            }
        }
    }
}
