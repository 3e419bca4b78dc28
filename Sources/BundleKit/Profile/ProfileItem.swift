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
        /// A file a command produces (`export: {run: [...]}`), for machine-bound secrets that
        /// must never be copied raw; restore hands it to the item's import command.
        case exported(CommandSpec)

        /// The template, whatever the kind (empty for an exported item).
        public var template: String {
            switch self {
            case .path(let template), .directory(let template), .glob(let template): return template
            case .exported: return ""
            }
        }

        /// The profile key that declares this kind: `path`, `directory` or `glob`.
        public var key: String {
            switch self {
            case .path: return "path"
            case .directory: return "directory"
            case .glob: return "glob"
            case .exported: return "export"
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
    /// For an exported item: the command that takes the file back in on the target.
    public var importCommand: CommandSpec?
    /// A path template whose content must never travel raw (the machine-bound original of
    /// an exported secret); capture refuses to copy it and verify flags it if found.
    public var neverCopy: String?
    /// For a directory item (`symlinks: keep`): its symbolic links are captured as links, each
    /// refused unless it is relative and points at something the bundle captures; otherwise
    /// (the default, `symlinks: skip`) they are skipped with a warning.
    public var keepSymlinks: Bool
    /// For a directory item (`private-keys: 'privkey*.pem'`): a file-name pattern whose matches
    /// are private keys whatever the item's role (stored encrypted, restored 0600), so one
    /// folder of certificates and their keys is one item.
    public var privateKeyNames: String?
    /// `special-bits: keep`: restore gives this item's files the set-user-ID and set-group-ID
    /// bits their mode in the bundle has. Otherwise (the default, `special-bits: drop`) restore
    /// clears them and warns, naming the file: a bundle carries data, and a setuid program
    /// is code that runs as its owner. Folders are never changed either way.
    public var keepSpecialBits: Bool

    /// Makes an item from its parts.
    public init(
        id: String, selector: Selector, role: Role, required: Bool = true, encrypt: Bool = false,
        description: String? = nil, importCommand: CommandSpec? = nil, neverCopy: String? = nil,
        keepSymlinks: Bool = false, privateKeyNames: String? = nil, keepSpecialBits: Bool = false
    ) {
        self.id = id
        self.selector = selector
        self.role = role
        self.required = required
        self.encrypt = encrypt
        self.description = description
        self.importCommand = importCommand
        self.neverCopy = neverCopy
        self.keepSymlinks = keepSymlinks
        self.privateKeyNames = privateKeyNames
        self.keepSpecialBits = keepSpecialBits
    }

    /// The role of this item's file named `name`: `private-key` when it matches
    /// `privateKeyNames`, the item's role otherwise.
    public func role(ofFileNamed name: String) -> Role {
        if let pattern = privateKeyNames, GlobPattern(pattern).matches(name) { return .privateKey }
        return role
    }

    /// Whether capture must store the item encrypted: private keys, secrets, and items marked `encrypt`.
    public var needsEncryption: Bool {
        encrypt || role == .privateKey || role == .secret
    }
}
