/// Reads identity files in the format `age-keygen` writes: `#` comments, blank lines, and one
/// `AGE-SECRET-KEY-1...` identity per line.
public enum AgeIdentityFile {
    /// Parses `contents`; `source` (a path or a label) names the file in errors, which give the
    /// line number but never the line. Throws if a line is not an identity or if there is none.
    public static func parse(_ contents: String, source: String) throws -> [AgeIdentity] {
        var identities: [AgeIdentity] = []
        for (number, line) in AgeKeyFileLines.lines(of: contents) {
            do {
                identities.append(try AgeIdentity(line))
            } catch let error as AgeError {
                guard case .invalidIdentity(let reason) = error else { throw error }
                throw AgeError.invalidKeyFile(
                    source: source, line: number, reason: "not an age identity: \(reason)")
            }
        }
        guard !identities.isEmpty else { throw AgeError.noKeysInFile(source: source) }
        return identities
    }
}
