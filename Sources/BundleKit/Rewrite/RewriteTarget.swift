/// Which value in a configuration file a rewrite changes.
///
/// Every kind must select exactly one value: a target that matches nothing, or more than once,
/// is an error rather than a guess.
public enum RewriteTarget: Sendable, Equatable {
    /// The `value` attribute of `<add key="KEY" value="..."/>` directly inside an
    /// `<appSettings>` element anywhere under `<configuration>` (a .NET `.exe.config` or
    /// `web.config`). Keys match case-insensitively, as .NET reads them.
    case xmlAppSetting(key: String)
    /// An absolute XPath subset: element steps with optional `[@attr='value']` predicates,
    /// ending in `/@attribute` or `/text()`, e.g.
    /// `/configuration/system.serviceModel/client/endpoint[@name='em']/@address`.
    case xmlXPath(String)
    /// An RFC 6901 JSON pointer (`/Store/PemFiles/DefaultPath`, `~0`/`~1` escapes, array
    /// indices) to a string, number, boolean or null.
    case jsonPointer(String)
    /// `key = value` in `[section]` of an INI file; names match case-insensitively, and `""`
    /// is the section of the keys before the first header.
    case ini(section: String, key: String)
    /// The single literal occurrence of `find`; when `guard` is given, that literal must also
    /// occur in the file.
    case replace(find: String, guard: String?)
    /// Each of `keys` in `[section]` of an INI file ("" before any header) whose value is the
    /// folder `from` or a path inside it is moved to the new folder (the rewrite's value);
    /// see `INIPrefixRewriter`. In a profile `from` is a template of the source's values.
    case iniPrefix(section: String, keys: [String], from: String)

    /// How messages name the target: `appSettings key 'managerAddress'`.
    var subject: String {
        switch self {
        case let .xmlAppSetting(key):
            return "appSettings key '\(key)'"
        case let .xmlXPath(path):
            return "XPath '\(path)'"
        case let .jsonPointer(pointer):
            return "JSON pointer '\(pointer)'"
        case let .ini(section, key):
            return section.isEmpty ? "INI key '\(key)' (before any section)" : "INI key '\(key)' in section [\(section)]"
        case let .replace(find, _):
            return "text '\(Self.shortened(find))'"
        case let .iniPrefix(section, keys, from):
            let place = section.isEmpty ? "before any section" : "in section [\(section)]"
            return "INI paths under \(from) at \(keys.joined(separator: ", ")) (\(place))"
        }
    }

    /// Long literals are cut in messages; the profile has the full text.
    static func shortened(_ text: String) -> String {
        let visible = text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        return visible.count > 60 ? String(visible.prefix(57)) + "..." : visible
    }
}
