import BundleKit
import Foundation
import TestSupport
import Testing

/// The example profile from the design brief.
private let exampleYAML = #"""
    version: 1
    id: demo-app
    name: Demo App
    description: A demo product.
    variables:
      AppDir:
        default: /opt/demo
        windows: 'C:\Program Files\Demo'
        linux: /opt/demo
      DataDir: ${AppDir}/data
    items:
      - id: config
        path: ${AppDir}/app.conf
        role: config
        required: true
        encrypt: false
        description: Main configuration.
      - id: templates
        directory: ${AppDir}/Templates
        role: template
        required: false
      - id: renewals
        glob: ${AppDir}/renewals/*.renewal.json
        role: renewal
    checklist:
      - Apply the license.
    """#

/// A valid profile whose lines the error table below builds on:
/// line 1 `id`, 2 `name`, 3 `items:`, 4 `- id: config`, 5 `path`, 6 `role`.
private let minimal = "id: demo\nname: Demo\n" + items

/// The `items:` section of `minimal`, for cases that put something between it and the header.
private let items = """
    items:
      - id: config
        path: /etc/demo.conf
        role: config

    """

private let file = "case.yaml"

/// One broken profile and exactly the error it must give.
struct ProfileErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let expected: ProfileError
    var testDescription: String { name }
}

private let topKeys = [
    "version", "id", "name", "description", "variables", "items", "services", "preflight", "steps", "rewrites", "post-checks", "checklist",
]
private let itemKeys = [
    "id", "path", "directory", "glob", "export", "import", "never-copy", "role", "required", "encrypt", "description", "symlinks", "private-keys",
    "special-bits",
]
private let variableKeys = ["default", "windows", "linux", "macos", "description", "from-json"]

private let errorCases: [ProfileErrorCase] = [
    ProfileErrorCase(
        name: "YAML syntax error", yaml: "id: demo\nname: a: b\n",
        expected: .yamlSyntax(
            file: file, line: 2,
            message: "invalid YAML: mapping values are not allowed in this context. Check the indentation and quoting on this line and the one before")),
    ProfileErrorCase(
        name: "two documents", yaml: minimal + "---\nid: other\n",
        expected: .yamlSyntax(
            file: file, line: 7,
            message: "a profile is a single YAML document, but another one starts here. Remove the second document")),
    ProfileErrorCase(
        name: "unclosed flow list", yaml: "id: demo\nname: Demo\nitems: [\n  {id: a, path: /a, role: config}\nchecklist: []\n",
        expected: .yamlSyntax(
            file: file, line: 5,
            message: "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence, line 3). Check the indentation and quoting on this line and the one before")),
    ProfileErrorCase(
        name: "alias", yaml: minimal + "  - *other\n",
        expected: .yamlSyntax(
            file: file, line: 7, message: "YAML aliases ('*name') are not supported in profiles. Write the value out in full")),
    ProfileErrorCase(
        name: "unknown top-level key", yaml: minimal + "servics: []\n",
        expected: .unknownKey(file: file, line: 7, key: "servics", context: "the profile", allowed: topKeys)),
    ProfileErrorCase(
        name: "unknown item key", yaml: minimal.replacingOccurrences(of: "role: config", with: "rol: config"),
        expected: .unknownKey(file: file, line: 6, key: "rol", context: "item 'config'", allowed: itemKeys)),
    ProfileErrorCase(
        name: "unknown key before the item's id", yaml: "id: demo\nname: Demo\nitems:\n  - colour: red\n    id: config\n",
        expected: .unknownKey(file: file, line: 4, key: "colour", context: "item 'config'", allowed: itemKeys)),
    ProfileErrorCase(
        name: "unknown variable key",
        yaml: "id: demo\nname: Demo\nvariables:\n  A:\n    default: x\n    freebsd: y\n" + items,
        expected: .unknownKey(file: file, line: 6, key: "freebsd", context: "variable 'A'", allowed: variableKeys)),
    ProfileErrorCase(
        name: "missing id", yaml: String(minimal.drop { $0 != "\n" }.dropFirst()),
        expected: .missingKey(file: file, line: 1, key: "id", context: "the profile")),
    ProfileErrorCase(
        name: "missing name", yaml: minimal.replacingOccurrences(of: "name: Demo\n", with: ""),
        expected: .missingKey(file: file, line: 1, key: "name", context: "the profile")),
    ProfileErrorCase(
        name: "missing items", yaml: "id: demo\nname: Demo\n",
        expected: .missingKey(file: file, line: 1, key: "items", context: "the profile")),
    ProfileErrorCase(
        name: "item without selector", yaml: minimal.replacingOccurrences(of: "    path: /etc/demo.conf\n", with: ""),
        expected: .missingKey(file: file, line: 4, key: "path|directory|glob|export", context: "item 'config'")),
    ProfileErrorCase(
        name: "item without role", yaml: minimal.replacingOccurrences(of: "    role: config\n", with: ""),
        expected: .missingKey(file: file, line: 4, key: "role", context: "item 'config'")),
    ProfileErrorCase(
        name: "item without id", yaml: minimal.replacingOccurrences(of: "- id: config\n    path", with: "- path"),
        expected: .missingKey(file: file, line: 4, key: "id", context: "item 1")),
    ProfileErrorCase(
        name: "variable without any value", yaml: "id: demo\nname: Demo\nvariables:\n  A:\n    description: x\n" + items,
        expected: .missingKey(file: file, line: 5, key: "default", context: "variable 'A'")),
    ProfileErrorCase(
        name: "required is not a bool", yaml: minimal + "    required: maybe\n",
        expected: .wrongType(file: file, line: 7, key: "required", context: "item 'config'", expected: "true or false", found: "'maybe'")),
    ProfileErrorCase(
        name: "quoted bool is text", yaml: minimal + "    encrypt: 'true'\n",
        expected: .wrongType(file: file, line: 7, key: "encrypt", context: "item 'config'", expected: "true or false", found: "'true'")),
    ProfileErrorCase(
        name: "items is not a list", yaml: "id: demo\nname: Demo\nitems: everything\n",
        expected: .wrongType(file: file, line: 3, key: "items", context: "the profile", expected: "a list of items", found: "'everything'")),
    ProfileErrorCase(
        name: "version is not a number", yaml: "version: one\n" + minimal,
        expected: .wrongType(file: file, line: 1, key: "version", context: "the profile", expected: "a whole number", found: "'one'")),
    ProfileErrorCase(
        name: "name is empty", yaml: minimal.replacingOccurrences(of: "name: Demo", with: "name:"),
        expected: .wrongType(file: file, line: 2, key: "name", context: "the profile", expected: "text", found: "an empty value")),
    ProfileErrorCase(
        name: "profile is a list", yaml: "- id: demo\n",
        expected: .wrongType(file: file, line: 1, key: "", context: "the profile", expected: "a mapping with id, name and items", found: "a list")),
    ProfileErrorCase(
        name: "empty file", yaml: "# nothing here\n",
        expected: .wrongType(file: file, line: 1, key: "", context: "the profile", expected: "a mapping with id, name and items", found: "an empty file")),
    ProfileErrorCase(
        name: "checklist entry is a mapping", yaml: minimal + "checklist:\n  - step: one\n",
        expected: .wrongType(file: file, line: 8, key: "checklist", context: "the profile", expected: "a list of steps (text)", found: "a mapping")),
    ProfileErrorCase(
        name: "unknown role", yaml: minimal.replacingOccurrences(of: "role: config", with: "role: cfg"),
        expected: .unknownRole(file: file, line: 6, value: "cfg", allowed: Role.allCases.map(\.rawValue))),
    ProfileErrorCase(
        name: "invalid profile id", yaml: minimal.replacingOccurrences(of: "id: demo", with: "id: Demo App"),
        expected: .invalidValue(file: file, line: 1, key: "id", reason: "'Demo App' is not a valid id; use lowercase letters, digits and '-', starting with a letter or digit")),
    ProfileErrorCase(
        name: "two selectors", yaml: minimal + "    directory: /etc/demo\n",
        expected: .invalidValue(file: file, line: 7, key: "directory", reason: "item 'config' already has 'path'; an item takes exactly one of path, directory, glob, export")),
    ProfileErrorCase(
        name: "wildcard in a glob's folder", yaml: minimal.replacingOccurrences(of: "path: /etc/demo.conf", with: #"glob: C:\Demo\*\x.json"#),
        expected: .invalidValue(file: file, line: 5, key: "glob", reason: "wildcards (* ? [...]) are allowed only in the last path component, and '*' is not the last; use a 'directory' item for whole trees")),
    ProfileErrorCase(
        name: "symlinks on a path item", yaml: minimal + "    symlinks: keep\n",
        expected: .invalidValue(file: file, line: 7, key: "symlinks", reason: "only a 'directory' item takes 'symlinks'; a path or glob names regular files")),
    ProfileErrorCase(
        name: "symlinks neither keep nor skip", yaml: minimal.replacingOccurrences(of: "path: /etc/demo.conf", with: "directory: /etc/demo") + "    symlinks: follow\n",
        expected: .invalidValue(file: file, line: 7, key: "symlinks", reason: "'follow' is neither 'keep' nor 'skip'")),
    ProfileErrorCase(
        name: "private-keys with a folder", yaml: minimal.replacingOccurrences(of: "path: /etc/demo.conf", with: "directory: /etc/demo") + "    private-keys: keys/*.pem\n",
        expected: .invalidValue(file: file, line: 7, key: "private-keys", reason: "only a 'directory' item takes 'private-keys', a file-name pattern such as 'privkey*.pem' (no folder)")),
    ProfileErrorCase(
        name: "wildcard in a path", yaml: minimal.replacingOccurrences(of: "demo.conf", with: "*.conf"),
        expected: .invalidValue(file: file, line: 5, key: "path", reason: "'/etc/*.conf' contains a wildcard; use 'glob' to match files by pattern")),
    ProfileErrorCase(
        name: "no items", yaml: "id: demo\nname: Demo\nitems: []\n",
        expected: .invalidValue(file: file, line: 3, key: "items", reason: "the list is empty; a profile must capture at least one item, or rewrite a file or manage a service")),
    ProfileErrorCase(
        name: "unterminated reference", yaml: minimal.replacingOccurrences(of: "/etc/demo.conf", with: "${AppDir/demo.conf"),
        expected: .invalidValue(file: file, line: 5, key: "path", reason: "'${' is not closed by '}'; write '$$' for a literal '$'")),
    ProfileErrorCase(
        name: "invalid variable name", yaml: "id: demo\nname: Demo\nvariables:\n  App-Dir: /x\n" + items,
        expected: .invalidValue(file: file, line: 4, key: "App-Dir", reason: "'App-Dir' is not a variable name; start with a letter or '_' and use only letters, digits and '_'")),
    ProfileErrorCase(
        name: "version zero", yaml: "version: 0\n" + minimal,
        expected: .invalidValue(file: file, line: 1, key: "version", reason: "0 is not a profile version; use 1 or leave it out")),
    ProfileErrorCase(
        name: "duplicate item id", yaml: minimal + "  - id: config\n    path: /etc/other.conf\n    role: config\n",
        expected: .duplicateItemID(file: file, line: 7, id: "config", firstLine: 4)),
    ProfileErrorCase(
        name: "duplicate variable", yaml: "id: demo\nname: Demo\nvariables:\n  A: /a\n  B: /b\n  A: /c\n" + items,
        expected: .duplicateVariable(file: file, line: 6, name: "A", firstLine: 4)),
    ProfileErrorCase(
        name: "duplicate key in an item", yaml: minimal + "    path: /etc/other.conf\n",
        expected: .duplicateKey(file: file, line: 7, key: "path", context: "item 'config'", firstLine: 5)),
    ProfileErrorCase(
        name: "key three times", yaml: "name: A\nname: B\nname: C\n" + minimal,
        expected: .duplicateKey(file: file, line: 2, key: "name", context: "the profile", firstLine: 1)),
    ProfileErrorCase(
        name: "newer version with new keys", yaml: "version: 2\n" + minimal + "services: []\n",
        expected: .unsupportedVersion(file: file, found: 2, supported: 1)),
    ProfileErrorCase(
        name: "anchors", yaml: minimal + "  - &second\n    id: other\n    path: /x\n    role: other\n",
        expected: .yamlSyntax(
            file: file, line: 7,
            message: "YAML anchors and aliases ('&second', '*second') are not supported in profiles, because errors in the copies could not point at the right line. Write the value out in full")),
]

@Suite("Profile parsing")
struct ProfileParsingTests {
    @Test("the example parses to the exact model")
    func example() throws {
        let profile = try Profile(yaml: exampleYAML, source: "Formats/demo-app.yaml")
        #expect(profile.version == 1)
        #expect(profile.id == "demo-app")
        #expect(profile.name == "Demo App")
        #expect(profile.description == "A demo product.")
        #expect(profile.variables == [
            ProfileVariable(
                name: "AppDir",
                spec: VariableSpec(defaultValue: "/opt/demo", perOS: [.windows: #"C:\Program Files\Demo"#, .linux: "/opt/demo"])),
            ProfileVariable(name: "DataDir", spec: VariableSpec(defaultValue: "${AppDir}/data")),
        ])
        #expect(profile.items == [
            ProfileItem(
                id: "config", selector: .path("${AppDir}/app.conf"), role: .config, required: true, encrypt: false,
                description: "Main configuration."),
            ProfileItem(id: "templates", selector: .directory("${AppDir}/Templates"), role: .template, required: false),
            ProfileItem(id: "renewals", selector: .glob("${AppDir}/renewals/*.renewal.json"), role: .renewal),
        ])
        #expect(profile.checklist == ["Apply the license."])
        #expect(profile.source == "Formats/demo-app.yaml")
        #expect(profile.text == exampleYAML)
    }

    @Test("sha256 is the hex digest of the exact text")
    func sha256() throws {
        let profile = try Profile(yaml: minimal, source: file)
        // printf '%s' "$minimal" | sha256sum
        let expected = try #require(
            ExternalToolDigest.sha256(minimal), "sha256sum is needed to cross-check the digest")
        #expect(profile.sha256 == expected)
        #expect(profile.sha256.count == 64)
        #expect(try Profile(yaml: minimal + " ", source: file).sha256 != profile.sha256)
    }

    @Test("a missing version means 1")
    func versionDefaults() throws {
        #expect(try Profile(yaml: minimal, source: file).version == 1)
        #expect(try Profile(yaml: "version: 1\n" + minimal, source: file).version == 1)
    }

    @Test("optional keys have their defaults")
    func defaults() throws {
        let profile = try Profile(yaml: minimal, source: file)
        #expect(profile.description == nil)
        #expect(profile.variables.isEmpty)
        #expect(profile.checklist.isEmpty)
        #expect(profile.items[0].required)
        #expect(!profile.items[0].encrypt)
        #expect(profile.items[0].description == nil)
    }

    @Test("per-OS values fall back to the default")
    func perOS() throws {
        let yaml = "id: demo\nname: Demo\nvariables:\n  A:\n    default: /d\n    windows: 'C:\\A'\n    macos: /Applications/A\n  B:\n    linux: /only-linux\n" + items
        let profile = try Profile(yaml: yaml, source: file)
        let a = profile.variables[0].spec, b = profile.variables[1].spec
        #expect(a.value(for: .windows) == #"C:\A"#)
        #expect(a.value(for: .macos) == "/Applications/A")
        #expect(a.value(for: .linux) == "/d")
        #expect(b.value(for: .linux) == "/only-linux")
        #expect(b.value(for: .windows) == nil)
    }

    @Test("every error case gives exactly its error", arguments: errorCases)
    func errors(_ errorCase: ProfileErrorCase) {
        #expect(throws: errorCase.expected) {
            try Profile(yaml: errorCase.yaml, source: file)
        }
    }

    @Test("messages name the file and line, the problem and the fix")
    func messages() {
        let error = ProfileError.unknownKey(
            file: "Formats/demo.yaml", line: 12, key: "rol", context: "item 'config'", allowed: itemKeys)
        #expect(error.description == "Formats/demo.yaml:12: unknown key 'rol' in item 'config' (allowed: id, path, directory, glob, export, import, never-copy, role, required, encrypt, description, symlinks, private-keys, special-bits).")
        #expect(error.hint == "Fix the key or remove it.")
        let version = ProfileError.unsupportedVersion(file: "p.yaml", found: 2, supported: 1)
        #expect(version.description.contains("p.yaml") && version.hint?.contains("Upgrade bundle") == true)
    }
}

/// The reference digest, from the real `sha256sum`.
private enum ExternalToolDigest {
    static func sha256(_ text: String) -> String? {
        guard let result = try? ExternalTool.run("sha256sum", [], input: Data(text.utf8)), result.status == 0 else { return nil }
        return result.output.split(separator: " ").first.map(String.init)
    }
}

@Suite("Profile parsing: exported secrets")
struct ExportedItemParsingTests {
    @Test("an export item with import and never-copy parses to its commands")
    func exportItem() throws {
        let profile = try Profile(yaml: """
            id: tp
            name: Threat Prevention
            variables:
              SecretMgr: /opt/tp/SecretMgr
            items:
              - id: secret-dpapi
                role: secret
                export:
                  run: ['${SecretMgr}', '-e', '{out}']
                  timeout: 30
                import:
                  run: ['${SecretMgr}', '-i', '{in}']
                never-copy: /opt/tp/CertsInfo/Secret.dpapi
            """, source: "tp.yaml")
        let item = try #require(profile.items.first)
        #expect(item.selector == .exported(CommandSpec(run: ["${SecretMgr}", "-e", "{out}"], timeout: 30)))
        #expect(item.importCommand == CommandSpec(run: ["${SecretMgr}", "-i", "{in}"], timeout: CommandSpec.defaultTimeout))
        #expect(item.neverCopy == "/opt/tp/CertsInfo/Secret.dpapi")
        #expect(item.needsEncryption)
    }

    @Test("import without export, an empty run and a zero timeout are errors with their line", arguments: [
        ("items:\n  - id: a\n    path: /x\n    role: config\n    import: {run: [/bin/true]}\n", 7),
        ("items:\n  - id: a\n    role: secret\n    export: {run: []}\n", 6),
        ("items:\n  - id: a\n    role: secret\n    export: {run: [/bin/true], timeout: 0}\n", 6),
    ])
    func invalid(items: String, line: Int) {
        #expect {
            try Profile(yaml: "id: p\nname: P\n" + items, source: "p.yaml")
        } throws: { error in
            guard let error = error as? ProfileError else { return false }
            return String(describing: error).hasPrefix("p.yaml:\(line):")
        }
    }
}
