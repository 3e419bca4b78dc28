/// Capture: turning a profile's items into payload members. Words: a *source* is one file
/// on the machine being captured, with the member name and target template it will have.

/// One file to capture, found by `ItemCollector`.
struct CaptureSource: Sendable, Equatable {
    /// Where the file is on this machine (root applied).
    var hostPath: String
    /// Member path in the bundle.
    var member: String
    /// Destination template, variables unresolved.
    var target: String
    /// The profile item it belongs to.
    var item: ProfileItem
    /// What `lstat` said when it was found.
    var status: FileStatus
    /// Whether it is stored as an age file (`member` then ends in `.age`).
    var encrypted = false
}
