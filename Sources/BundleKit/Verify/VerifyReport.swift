/// The outcome of reading a bundle: who signed it, what it holds, and every problem found.
public struct VerifyReport: Sendable {
    /// The bundle's path.
    public var bundle: String
    /// The manifest, when it could be parsed (trust it only when `isValid`).
    public var manifest: Manifest?
    /// Key id of the signature, uppercase hex as minisign prints it.
    public var signerKeyID: String?
    /// The signed trusted comment.
    public var trustedComment: String?
    /// Payload members read.
    public var membersChecked = 0
    /// Payload bytes read and hashed.
    public var bytesChecked: Int64 = 0
    /// Everything wrong, in the order found.
    public var problems: [VerifyProblem] = []

    /// True when the signature holds and every member is present, intact and in order.
    public var isValid: Bool { problems.isEmpty && manifest != nil }

    /// An empty report for `bundle`.
    public init(bundle: String) {
        self.bundle = bundle
    }
}
