/// Finds `<add key="KEY" value="..."/>` among the children of `<appSettings>`.
///
/// The `<appSettings>` may sit anywhere under `<configuration>` (also inside `<location>`).
/// Keys compare case-insensitively, as .NET's `ConfigurationManager.AppSettings` reads them,
/// so `managerAddress` and `ManagerAddress` in one file count as a duplicate. Comments and CDATA
/// never count: they are tokens of their own to the scanner.
enum XMLAppSettingRewriter {
    static func locate(_ text: TextEncoding.Decoded, key: String, file: String) throws(RewriteError) -> ValueSlot {
        let target = RewriteTarget.xmlAppSetting(key: key)
        guard !key.isEmpty else { throw .invalidTarget(file: file, target: target, reason: "the key is empty") }
        let (document, asciiOnly) = try XMLScanner.load(text, file: file)
        let elements = document.elements
        guard let root = elements.first, root.name == "configuration" else {
            throw .notFound(file: file, target: target,
                            detail: "the root element is <\(elements.first?.name ?? "")>, not <configuration>")
        }
        let wanted = key.lowercased()
        var sections = 0
        var matches: [XMLScanner.Element] = []
        for element in elements {
            if element.name == "appSettings" { sections += 1 }
            guard element.name == "add", let parent = element.parent, elements[parent].name == "appSettings",
                let keyAttribute = element.attribute("key")
            else { continue }
            let name: String
            do {
                name = try document.unescape(keyAttribute.valueRange, attribute: true)
            } catch {
                throw .malformed(file: file, format: "XML", line: document.line(at: error.offset), reason: error.reason)
            }
            if name.lowercased() == wanted { matches.append(element) }
        }
        guard let match = matches.first else {
            throw .notFound(file: file, target: target, detail: sections == 0 ? "the file has no <appSettings> section" : "")
        }
        guard matches.count == 1 else {
            throw .ambiguous(file: file, target: target, lines: matches.map(document.line(of:)))
        }
        guard let value = match.attribute("value") else {
            throw .notAValue(file: file, target: target, line: document.line(of: match),
                             reason: "is an <add> without a value attribute")
        }
        return try document.attributeSlot(value, asciiOnly: asciiOnly, target: target, file: file)
    }
}
