/// Why the three header members at the front of a bundle could not be read. Archive's own
/// error: the verifier turns each into the `VerifyProblem` it reports.
enum BundleHeaderError: Error {
    /// `expected` is not the next member; `found` is what stands in its place (nil: the archive ended).
    case missing(expected: String, found: String?)
    /// The member is larger than `limit` (`VerifyLimits.maximumHeaderMemberSize`).
    case tooLarge(member: String, size: Int64, limit: Int64)
    /// The member ends before the size its tar header declares.
    case endsEarly(member: String)
    /// The archive could not be read at this member.
    case unreadable(member: String, cause: any Error)
}
