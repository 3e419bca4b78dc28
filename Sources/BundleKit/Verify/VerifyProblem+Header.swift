extension VerifyProblem {
    /// The problem a header member that cannot be read is, as `bundle verify` reports it.
    init(_ error: BundleHeaderError) {
        switch error {
        case .missing(let expected, let found): self = .headerMemberMissing(expected: expected, found: found)
        case .tooLarge(let member, let size, let limit): self = .headerMemberTooLarge(member: member, size: size, limit: limit)
        case .endsEarly(let member): self = .truncated(member: member, reason: "member ends early")
        case .unreadable(let member, let cause):
            // The manifest is the first member: an archive unreadable there is unreadable as a whole.
            self = member == BundleLayout.manifest
                ? .unreadable(reason: String(describing: cause))
                : .truncated(member: member, reason: String(describing: cause))
        }
    }
}
