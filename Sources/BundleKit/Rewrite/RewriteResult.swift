/// What a rewrite found and wrote.
public struct RewriteResult: Sendable, Equatable {
    /// The value before the rewrite, unescaped (XML entities expanded, JSON escapes decoded).
    /// A JSON number, boolean or null is given as its literal text (`50`, `true`, `null`).
    public var oldValue: String
    /// The value asked for, as given (before any escaping).
    public var newValue: String
    /// Whether the file's bytes change. False when the value already reads as `newValue`, in
    /// which case the file is returned untouched, even if it spells the value differently.
    public var changed: Bool
    /// The 1-based line where the value starts in the original file.
    public var line: Int

    /// Makes a result; see the properties.
    public init(oldValue: String, newValue: String, changed: Bool, line: Int) {
        self.oldValue = oldValue
        self.newValue = newValue
        self.changed = changed
        self.line = line
    }
}
