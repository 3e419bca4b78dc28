/// One thing a profile captures: a file, a directory or the files a glob matches.
public struct ProfileItem: Sendable, Equatable {
    /// Where the item is, as an unresolved template (it may contain `${NAME}`).
    public enum Selector: Sendable, Equatable {
        /// Exactly one file.
        case path(String)
        /// A directory and everything under it.
        case directory(String)
        /// The files matching a pattern; wildcards (`*`, `?`, `[...]`) only in the last component.
        case glob(String)

        /// The template, whatever the kind.
        public var template: String {
            switch self {
            case .path(let template), .directory(let template), .glob(let template): return template
            }
        }

        /// The profile key that declares this kind: `path`, `directory` or `glob`.
        public var key: String {
            switch self {
            case .path: return "path"
            case .directory: return "directory"
            case .glob: return "glob"
            }
        }
    }

    /// Unique within the profile; names the item in archives, reports and messages.
    public var id: String
    /// Where the item is.
    public var selector: Selector
    /// What the item is to the product.
    public var role: Role
    /// Whether capture fails when the item is missing (true unless the profile says otherwise).
    public var required: Bool
    /// Whether the item is stored encrypted (used by a later feature; false unless set).
    public var encrypt: Bool
    /// What the item is, for people.
    public var description: String?

    /// Makes an item from its parts.
    public init(
        id: String, selector: Selector, role: Role, required: Bool = true, encrypt: Bool = false,
        description: String? = nil
    ) {
        self.id = id
        self.selector = selector
        self.role = role
        self.required = required
        self.encrypt = encrypt
        self.description = description
    }
}
