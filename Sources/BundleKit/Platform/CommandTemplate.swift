import Foundation

/// Turns a profile command (templates) into the argument vector to run.
enum CommandTemplate {
    /// Expands `${Variables}`, then the `{name}` placeholders, in every argument.
    static func resolve(
        _ run: [String], variables: [String: String], placeholders: [String: String], context: String
    ) throws -> [String] {
        try run.map { argument in
            var value = try VariableResolver.expand(argument, with: variables, context: context)
            for (name, replacement) in placeholders {
                value = value.replacingOccurrences(of: "{\(name)}", with: replacement)
            }
            return value
        }
    }
}
