@testable import BundleKit
import Testing

/// A profile with `variables` (YAML lines under `variables:`) and one item.
private func makeProfile(variables: String) throws -> Profile {
    let yaml = """
        id: demo
        name: Demo
        variables:
        \(variables)
        items:
          - id: config
            path: ${AppDir}/app.conf
            role: config

        """
    return try Profile(yaml: yaml, source: "vars.yaml")
}

@Suite("Variable resolution")
struct VariableResolverTests {
    @Test("per-OS values win over the default on their system", arguments: [
        (OSFamily.linux, "/opt/demo"), (.windows, #"C:\Program Files\Demo"#), (.macos, "/Applications/Demo"),
    ])
    func perOS(os: OSFamily, expected: String) throws {
        let profile = try makeProfile(variables: """
              AppDir:
                default: /Applications/Demo
                windows: 'C:\\Program Files\\Demo'
                linux: /opt/demo
            """)
        #expect(try VariableResolver(profile: profile, os: os, overrides: [:]).resolve() == ["AppDir": expected])
    }

    @Test("references are expanded recursively, whatever the declaration order")
    func nested() throws {
        let profile = try makeProfile(variables: """
              LogFile: ${LogDir}/app.log
              LogDir: ${DataDir}/logs
              DataDir: ${AppDir}/data
              AppDir:
                default: /opt/demo
                windows: 'C:\\Demo'
            """)
        #expect(try VariableResolver(profile: profile, os: .linux, overrides: [:]).resolve() == [
            "AppDir": "/opt/demo", "DataDir": "/opt/demo/data", "LogDir": "/opt/demo/data/logs",
            "LogFile": "/opt/demo/data/logs/app.log",
        ])
        #expect(try VariableResolver(profile: profile, os: .windows, overrides: [:]).resolve()["LogFile"]
            == #"C:\Demo/data/logs/app.log"#)
    }

    @Test("a cycle is named in order")
    func cycle() throws {
        let profile = try makeProfile(variables: "  AppDir: /x\n  A: ${B}/a\n  B: ${A}/b")
        #expect(throws: ProfileError.variableCycle(["A", "B", "A"])) {
            try VariableResolver(profile: profile, os: .linux, overrides: [:]).resolve()
        }
        let selfReference = try makeProfile(variables: "  AppDir: ${AppDir}/x")
        #expect(throws: ProfileError.variableCycle(["AppDir", "AppDir"])) {
            try VariableResolver(profile: selfReference, os: .linux, overrides: [:]).resolve()
        }
    }

    @Test("an override breaks a cycle")
    func overrideBreaksCycle() throws {
        let profile = try makeProfile(variables: "  AppDir: /x\n  A: ${B}/a\n  B: ${A}/b")
        let values = try VariableResolver(profile: profile, os: .linux, overrides: ["B": "/b"]).resolve()
        #expect(values["A"] == "/b/a")
    }

    @Test("an override wins, feeds dependent variables, and is taken literally")
    func overrides() throws {
        let profile = try makeProfile(variables: "  AppDir: /opt/demo\n  DataDir: ${AppDir}/data")
        let values = try VariableResolver(
            profile: profile, os: .linux, overrides: ["AppDir": "/srv/$demo/${x}", "Extra": "e"]
        ).resolve()
        #expect(values == ["AppDir": "/srv/$demo/${x}", "DataDir": "/srv/$demo/${x}/data", "Extra": "e"])
    }

    @Test("$$ is a literal $, and a lone $ stays")
    func dollars() throws {
        let profile = try makeProfile(variables: "  AppDir: /opt/$$HOME/${Sub}$\n  Sub: a$b")
        #expect(try VariableResolver(profile: profile, os: .linux, overrides: [:]).resolve()["AppDir"] == "/opt/$HOME/a$b$")
        #expect(try VariableResolver.expand("$${AppDir}", with: [:], context: "test") == "${AppDir}")
    }

    @Test("an unknown reference names where it is used")
    func undefined() throws {
        let profile = try makeProfile(variables: "  AppDir: ${Root}/demo")
        #expect(throws: ProfileError.undefinedVariable(name: "Root", usedIn: "variable 'AppDir'")) {
            try VariableResolver(profile: profile, os: .linux, overrides: [:]).resolve()
        }
        #expect(try VariableResolver(profile: profile, os: .linux, overrides: ["Root": "/r"]).resolve()["AppDir"] == "/r/demo")
    }

    @Test("a variable with no value on this system is left out, and referring to it is an error")
    func noValueOnThisSystem() throws {
        let profile = try makeProfile(variables: "  AppDir: /opt/demo\n  WinOnly:\n    windows: 'C:\\W'")
        #expect(try VariableResolver(profile: profile, os: .linux, overrides: [:]).resolve() == ["AppDir": "/opt/demo"])
        let referring = try makeProfile(variables: "  WinOnly:\n    windows: 'C:\\W'\n  AppDir: ${WinOnly}/x")
        #expect(throws: ProfileError.undefinedVariable(name: "WinOnly", usedIn: "variable 'AppDir'")) {
            try VariableResolver(profile: referring, os: .linux, overrides: [:]).resolve()
        }
    }

    @Test("expand substitutes values and reports bad templates")
    func expand() throws {
        let values = ["AppDir": "/opt/demo"]
        #expect(try VariableResolver.expand("${AppDir}/app.conf", with: values, context: "item 'config'") == "/opt/demo/app.conf")
        #expect(throws: ProfileError.undefinedVariable(name: "Nope", usedIn: "item 'config'")) {
            try VariableResolver.expand("${Nope}/x", with: values, context: "item 'config'")
        }
        #expect(throws: ProfileError.invalidTemplate(
            template: "${AppDir/x", context: "item 'config'",
            reason: "'${' is not closed by '}'; write '$$' for a literal '$'")) {
            try VariableResolver.expand("${AppDir/x", with: values, context: "item 'config'")
        }
        #expect(throws: ProfileError.self) {
            try VariableResolver.expand("${}", with: values, context: "item 'config'")
        }
    }

    @Test("overrides parse as NAME=VALUE")
    func parseOverrides() throws {
        #expect(try VariableResolver.parseOverrides(["A=b=c", "Empty=", "_x1=/p", "A=last"])
            == ["A": "last", "Empty": "", "_x1": "/p"])
    }

    @Test("malformed overrides are refused", arguments: ["NoEquals", "=value", "1A=x", "A B=x", "A-B=x"])
    func invalidOverrides(_ text: String) {
        #expect(throws: ProfileError.invalidOverride(text)) {
            try VariableResolver.parseOverrides([text])
        }
    }

    @Test("a leading ${NAME} is expanded on the bytes exactly as the parser would, and anything else is left to the parser")
    func leadingReference() throws {
        let values = ["AppDir": "/opt/app", "B": "b", "Uni": "/srv/café"]
        for template in ["${AppDir}/Templates/a.html", "${AppDir}", "${Uni}/x", "${AppDir}/é/ü.txt", "${AppDir}}", "${AppDir}/x{y}"] {
            let fast = VariableResolver.expandLeadingReference(template, with: values)
            #expect(fast != nil, "\(template)")
            var parsed = ""
            for part in try Template.parse(template, context: "test") {
                switch part {
                case .literal(let text): parsed += text
                case .variable(let name): parsed += values[name] ?? "?"
                }
            }
            #expect(fast == parsed, "\(template)")
            #expect(try VariableResolver.expand(template, with: values, context: "test") == parsed)
        }
        // Left to the parser: another reference, $$, a bad or unknown name, no leading reference.
        for template in ["${AppDir}/${B}", "${AppDir}/$$x", "${bad name}/x", "${Missing}/x", "/opt/${AppDir}", "${AppDir", "${}"] {
            #expect(VariableResolver.expandLeadingReference(template, with: values) == nil, "\(template)")
        }
        #expect(throws: ProfileError.self) { try VariableResolver.expand("${Missing}/x", with: values, context: "test") }
        #expect(throws: ProfileError.self) { try VariableResolver.expand("${bad name}/x", with: values, context: "test") }
        #expect(try VariableResolver.expand("${AppDir}/$$x", with: values, context: "test") == "/opt/app/$x")
    }
}
