/// Reads recipients files, as `age -R` does: `#` comments, blank lines, and one `age1...`
/// recipient per line.
public enum AgeRecipientsFile {
    /// Parses `contents`; `source` (a path or a label) names the file in errors. Throws if a line
    /// is not a recipient or if there is none.
    public static func parse(_ contents: String, source: String) throws -> [AgeRecipient] {
        var recipients: [AgeRecipient] = []
        for (number, line) in AgeKeyFileLines.lines(of: contents) {
            do {
                recipients.append(try AgeRecipient(line))
            } catch let error as AgeError {
                guard case .invalidRecipient(let reason) = error else { throw error }
                throw AgeError.invalidKeyFile(
                    source: source, line: number, reason: "not an age recipient: \(reason)")
            }
        }
        guard !recipients.isEmpty else { throw AgeError.noKeysInFile(source: source) }
        return recipients
    }
}
