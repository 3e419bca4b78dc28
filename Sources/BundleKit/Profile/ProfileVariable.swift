/// A declared variable: its name next to its spec, so a profile keeps declaration order.
public struct ProfileVariable: Sendable, Equatable {
    /// The name used in `${NAME}` references and in `--var NAME=VALUE`.
    public var name: String
    /// The values the profile gives it.
    public var spec: VariableSpec

    /// Makes a variable from its name and spec.
    public init(name: String, spec: VariableSpec) {
        self.name = name
        self.spec = spec
    }
}
