import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle keygen --out PREFIX`.
    struct Keygen: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a signing key pair: PREFIX.key (secret, 0600) and PREFIX.pub (minisign format).")

        @Option(name: .long, help: "Path prefix of the two files.")
        var out: String

        @Flag(name: .long, help: "Make an age identity (PREFIX.identity, 0600) and its recipient (PREFIX.recipient) instead.")
        var age = false

        @Flag(name: .long, help: "Protect the secret key with a password (scrypt, as minisign -G does), asked twice on the terminal or read with --password-file.")
        var password = false

        @OptionGroup var passwordSource: PasswordOptions

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if age && (password || passwordSource.passwordFile != nil) {
                throw ValidationError("--password protects a signing key; an age identity (--age) is kept private by its mode (0600).")
            }
        }

        func run() async throws {
            if age {
                let made = try AgeKeyFiles.generate(prefix: out)
                if output.json {
                    JSONOutput.print(["identity": made.identity, "recipientFile": made.recipientFile, "recipient": made.recipient.text])
                } else {
                    Terminal.out("identity:  \(made.identity) (keep it private; restore with --identity)")
                    Terminal.out("recipient: \(made.recipient.text)")
                    Terminal.out("encrypt with: bundle create ... --recipient \(made.recipientFile)")
                }
                return
            }
            let protect = password || passwordSource.passwordFile != nil
            let made = try KeyFiles.generate(prefix: out, password: protect ? try passwordSource.newPassword(for: out + ".key") : nil)
            if output.json {
                JSONOutput.print(["secretKey": made.secretKey, "publicKey": made.publicKey, "keyID": made.key.keyIDHex])
            } else {
                Terminal.out("secret key: \(made.secretKey) (keep it private\(protect ? "; password-protected" : ""))")
                Terminal.out("public key: \(made.publicKey) (key id \(made.key.keyIDHex))")
                Terminal.out("verify with: bundle verify FILE --pubkey \(made.publicKey)")
            }
        }
    }
}
