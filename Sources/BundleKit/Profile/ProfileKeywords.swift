/// The kinds a profile's rewrites and post-checks name, as keys of their mapping. Each reader
/// switches over these exhaustively, so a new kind does not compile until it is parsed: there
/// is no `default:` that would quietly read an unknown kind as another.

/// The key that says what a rewrite changes (`xml-app-setting:`, `json-pointer:`, ...).
enum RewriteKind: String, CaseIterable, Sendable {
    case xmlAppSetting = "xml-app-setting"
    case xpath = "xpath"
    case jsonPointer = "json-pointer"
    case ini = "ini"
    case replace = "replace"

    /// Every kind's key, in the order the profile format lists them.
    static var keys: [String] { allCases.map(\.rawValue) }
}

/// The key that says what a post-check waits for (`tcp:`, `run:`, `exists:`).
enum PostCheckKind: String, CaseIterable, Sendable {
    case tcp = "tcp"
    case run = "run"
    case exists = "exists"

    /// Every kind's key.
    static var keys: [String] { allCases.map(\.rawValue) }
}
