/// How a profile declares one variable: a default and optional values per operating system.
///
/// Values are templates: they may refer to other variables as `${NAME}`; `VariableResolver`
/// expands them.
public struct VariableSpec: Sendable, Equatable {
    /// The value used on every system that has no value of its own in `perOS`.
    public var defaultValue: String?
    /// Values for particular systems; each wins over `defaultValue` on its system.
    public var perOS: [OSFamily: String]
    /// What the variable means, for people reading the profile or `bundle profiles show`.
    public var description: String?
    /// Where the product's own settings may say the value: at capture, unless `--var` gives
    /// it, the text at this JSON pointer in this file (as it was before any capture rewrite)
    /// wins over the default when it is a non-empty string, and is recorded as a `--var` of
    /// the capture (so a restore on the same OS uses it again).
    public var fromJSON: (file: String, pointer: String)?

    public static func == (lhs: VariableSpec, rhs: VariableSpec) -> Bool {
        lhs.defaultValue == rhs.defaultValue && lhs.perOS == rhs.perOS && lhs.description == rhs.description
            && lhs.fromJSON?.file == rhs.fromJSON?.file && lhs.fromJSON?.pointer == rhs.fromJSON?.pointer
    }

    /// Makes a spec from its parts.
    public init(defaultValue: String? = nil, perOS: [OSFamily: String] = [:], description: String? = nil) {
        self.defaultValue = defaultValue
        self.perOS = perOS
        self.description = description
    }

    /// The (unexpanded) value on `os`: its own value if it has one, else the default, else nil.
    public func value(for os: OSFamily) -> String? {
        perOS[os] ?? defaultValue
    }
}
