import ArgumentParser
import BundleCrypto
import BundleKit

/// `--password-file`: where a secret key's password comes from when it is not typed on the
/// terminal. A password is never an argument (it would show in `ps` and shell history).
struct PasswordOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the signing key's password from the first line of FILE (otherwise it is asked on the terminal).", valueName: "FILE"))
    var passwordFile: String?

    /// The password of the existing key `key`, read only if the key is password-protected.
    func password(for key: String) -> () throws -> [UInt8] {
        { [passwordFile] in
            if let passwordFile { return try PasswordPrompt.read(file: passwordFile.absolutePath) }
            guard let typed = try PasswordPrompt.ask("Password for \(key): ") else { throw KeyFileError.noPassword(source: key) }
            return typed
        }
    }

    /// The password for a new key: the file's, or typed twice on the terminal.
    func newPassword(for key: String) throws -> [UInt8] {
        let password: [UInt8]
        if let passwordFile {
            password = try PasswordPrompt.read(file: passwordFile.absolutePath)
        } else {
            guard let typed = try PasswordPrompt.ask("Password for the new key \(key): ", confirm: "Password again: ") else {
                throw KeyFileError.noPassword(source: key)
            }
            password = typed
        }
        guard !password.isEmpty else { throw KeyFileError.emptyPassword(source: key) }
        return password
    }
}
