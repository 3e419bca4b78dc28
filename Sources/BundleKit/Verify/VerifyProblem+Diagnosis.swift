/// A `VerifyProblem` thrown on its own (a bundle whose front cannot be read at all): its
/// `code` is the problem's (listed in `Formats/json-output.md` under problem codes).
extension VerifyProblem: DiagnosableError {
    public var hint: String? {
        switch self {
        case .limitExceeded: "Raise --max-payload-size or --max-members only for a bundle you trust."
        case .headerMemberTooLarge: "Raise --max-header-size only for a bundle you trust."
        default: "Do not trust this bundle; get an intact copy from its source ('bundle verify' lists every problem)."
        }
    }

    public var file: String? { member }
}
