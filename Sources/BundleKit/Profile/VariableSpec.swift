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
