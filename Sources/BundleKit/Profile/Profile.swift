// Profiles: what `bundle` carries for one product.
//
// - A *profile* is one declarative YAML file per product (shipped in `Formats/`, or any path).
//   It names the product, its variables, its items and a manual checklist.
// - An *item* is one thing to capture: a file, a directory, or the files a glob matches,
//   with a role (config, certificate, private key, ...) and whether it is required.
// - A *selector* is how an item says where it is: exactly one of `path`, `directory`, `glob`.
// - A *variable* is a named value with per-OS defaults (`AppDir`), overridable with
//   `--var NAME=VALUE`; resolving variables against the target is how paths are remapped.
// - A *template* is a string that may refer to variables as `${NAME}` (`$$` is a literal `$`).
//   Variable values and selectors are templates; `VariableResolver` expands them.

import Crypto
import Foundation

/// A parsed profile: the model of one profile file, with where it came from.
///
/// Make one with `init(yaml:source:)` or `ProfileLoader`. Selectors and variable values stay
/// unresolved templates here; `VariableResolver` expands them for a given system.
public struct Profile: Sendable, Equatable {
    /// The newest profile format version this build understands.
    public static let supportedVersion = 1

    /// The format version the file declares (1 when it declares none).
    public var version: Int
    /// The product's identifier: lowercase letters, digits and `-`; shipped files are named `<id>.yaml`.
    public var id: String
    /// The product's display name.
    public var name: String
    /// What the profile covers, for people.
    public var description: String?
    /// The declared variables, in declaration order.
    public var variables: [ProfileVariable]
    /// The things to capture, in declaration order (at least one).
    public var items: [ProfileItem]
    /// Manual steps printed after a restore.
    public var checklist: [String]
    /// Services stopped before files are laid down and started after.
    public var services: [ServiceSpec] = []
    /// Checks on the target before anything changes.
    public var preflight: [PreflightCheck] = []
    /// Commands around capture and restore.
    public var steps = ProfileSteps()
    /// Config values to change on the target.
    public var rewrites: [RewriteSpec] = []
    /// Checks after the services start, each bounded in time.
    public var postChecks: [PostCheck] = []
    /// The file path the profile came from, as used in messages.
    public var source: String
    /// The exact text the profile was parsed from.
    public var text: String
    /// Lowercase hex SHA-256 of `text`'s UTF-8 bytes; records exactly which profile was used.
    public var sha256: String

    /// Parses `yaml`; `source` names the file in error messages and is kept in `source`.
    ///
    /// - Throws: `ProfileError`, with the file and line of the problem.
    public init(yaml: String, source: String) throws {
        self = try ProfileReader(file: source).read(yaml).profile
    }

    init(
        version: Int, id: String, name: String, description: String?, variables: [ProfileVariable],
        items: [ProfileItem], checklist: [String], source: String, text: String
    ) {
        self.version = version
        self.id = id
        self.name = name
        self.description = description
        self.variables = variables
        self.items = items
        self.checklist = checklist
        self.source = source
        self.text = text
        self.sha256 = SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
