/// The steps of a restore after preflight, in the order they run: the one list that the
/// transaction walks, the journal names and the README documents. A journal's `step` is the
/// step that had begun when it was written.
public enum RestoreStep: String, CaseIterable, Sendable {
    /// Stop the profile's services that run (their prior state is in the journal first).
    case stopServices = "stop-services"
    /// Copy every path the restore will change or remove into the safeguard folder, durably,
    /// then record each with its copy in the journal.
    case safeguard
    /// An exact restore only: remove the files and empty folders the bundle does not list.
    case removeUnlisted = "remove-unlisted"
    /// Rename each staged file over its target (links last).
    case writeFiles = "write-files"
    /// Run the profile's import commands on the decrypted exported secrets.
    case imports
    /// Apply the config rewrites.
    case rewrites
    /// Run the profile's after-files steps.
    case afterFiles = "after-files"
    /// Start the services, in the reverse of the stop order.
    case startServices = "start-services"
    /// Wait for the post-checks.
    case postChecks = "post-checks"

    /// Whether a path that did not exist before may have been created once a journal names
    /// `step`: true from `write-files` on; nil for a step name this build does not know (a
    /// damaged or newer journal), which callers treat as "cannot tell".
    static func mayHaveCreatedFiles(_ step: String) -> Bool? {
        guard let step = RestoreStep(rawValue: step) else { return nil }
        return position(of: step) >= position(of: .writeFiles)
    }

    /// Whether a service may have been started with the restored files once a journal names
    /// `step`: from `start-services` on, and for a step this build does not know.
    static func mayHaveStartedServices(_ step: String) -> Bool {
        guard let step = RestoreStep(rawValue: step) else { return true }
        return position(of: step) >= position(of: .startServices)
    }

    private static func position(of step: RestoreStep) -> Int {
        allCases.firstIndex(of: step) ?? allCases.count
    }
}
