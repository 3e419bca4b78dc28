/// Why a restore stopped. In every case the target is as it was before.
public enum RestoreError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The bundle did not verify; nothing was written.
    case verificationFailed(bundle: String, problems: [VerifyProblem])
    /// A target path is a folder (or other non-file) where the bundle has a file.
    case targetNotAFile(path: String, member: String)
    /// The bundle holds encrypted members and no identity or passphrase was given.
    case identityRequired(member: String)
    /// An exported secret's item has no import command in the profile.
    case noImportCommand(item: String)

    /// A message naming the bundle or path and what to do.
    public var description: String {
        switch self {
        case .verificationFailed(let bundle, let problems):
            let list = problems.prefix(20).map { "  - \($0)" }.joined(separator: "\n")
            let more = problems.count > 20 ? "\n  ... and \(problems.count - 20) more" : ""
            return "\(bundle) did not verify; nothing was written:\n\(list)\(more)\nRun 'bundle verify' for the full report; get an intact copy of the bundle, or the right --pubkey."
        case .identityRequired(let member):
            return "\(member) is encrypted. Pass --identity FILE (an age identity) or --passphrase-file FILE; nothing was written."
        case .noImportCommand(let item):
            return "item '\(item)' was exported with a command but the profile has no 'import' for it; nothing was written."
        case .targetNotAFile(let path, let member):
            return "\(path) is a folder or special file, but the bundle has a file there (\(member)). Move it away or restore with --var to another location."
        }
    }
}
