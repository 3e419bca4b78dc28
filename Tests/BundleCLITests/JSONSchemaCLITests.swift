import Foundation
import Testing
import TestSupport

/// Every command's `--json` document against Formats/json-output.md: the test reads the tables
/// there (one per command, plus the error object), runs each command for real, and checks that
/// the document has `"schema": 1`, every listed key with its listed type (null only where the
/// table says `or null`) and no key the table does not list.
@Suite("--json output follows Formats/json-output.md", .serialized)
final class JSONSchemaCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("json-schema")
    }

    /// A key's documented type: `string`, `integer`, `number`, `boolean`, `array`, `object`, each optionally `or null`.
    struct KeyType: Equatable {
        var base: String
        var nullable: Bool
    }

    /// The tables of the document, by heading (`bundle verify`, `error`).
    static func tables() throws -> [String: [String: KeyType]] {
        let text = try String(contentsOf: FixturePaths.formats.appendingPathComponent("json-output.md"), encoding: .utf8)
        var tables: [String: [String: KeyType]] = [:]
        var heading: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### `") {
                heading = String(line.dropFirst(5).prefix { $0 != "`" })
                continue
            }
            if line.hasPrefix("## ") { heading = nil }
            guard let heading, line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let key = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let type = cells[1]
            tables[heading, default: [:]][key] = KeyType(base: String(type.split(separator: " ")[0]), nullable: type.hasSuffix("or null"))
        }
        return tables
    }

    /// Problems with `value` for `key` of type `type`; empty when it fits.
    static func check(_ key: String, _ value: Any, _ type: KeyType) -> [String] {
        if value is NSNull { return type.nullable ? [] : ["\(key) is null, documented as \(type.base)"] }
        let number = value as? NSNumber
        let isBoolean = number.map { String(cString: $0.objCType) == "c" } ?? false
        let fits: Bool
        switch type.base {
        case "string": fits = value is String
        case "boolean": fits = isBoolean
        case "integer": fits = number != nil && !isBoolean && Double(truncating: number!) == Double(Int64(truncating: number!))
        case "number": fits = number != nil && !isBoolean
        case "array": fits = value is [Any]
        case "object": fits = value is [String: Any]
        default: return ["\(key): unknown documented type \(type.base)"]
        }
        return fits ? [] : ["\(key) is \(Swift.type(of: value)), documented as \(type.base)"]
    }

    /// Problems with a whole document against a table.
    static func problems(_ document: [String: Any], against table: [String: KeyType]) -> [String] {
        var problems: [String] = []
        if document["schema"] as? Int != 1 { problems.append("schema is \(String(describing: document["schema"])), not 1") }
        for (key, type) in table {
            guard let value = document[key] else {
                problems.append("\(key) is missing")
                continue
            }
            problems += check(key, value, type)
        }
        let extra = Set(document.keys).subtracting(table.keys).subtracting(["schema"])
        if !extra.isEmpty { problems.append("undocumented keys: \(extra.sorted())") }
        return problems
    }

    @discardableResult
    func bundle(_ arguments: [String]) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    func document(_ result: ToolResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "not one JSON object: \(result.output)\(result.errors)")
    }

    @Test("every command's document has the documented keys and types, and every documented command is run")
    func everyCommand() throws {
        let tables = try Self.tables()
        let demo = FixturePaths.fixture("demo-app-source").path
        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work.path("snapshot-target"), withIntermediateDirectories: true)
        // (table, arguments, acceptable exit codes), in an order where each step prepares the next.
        var runs: [(String, [String], Set<Int32>)] = [
            ("bundle keygen", ["keygen", "--out", "k", "--json"], [0]),
            ("bundle keygen --age", ["keygen", "--age", "--out", "a", "--json"], [0]),
            ("bundle create", ["create", "--profile", "demo-app", "--root", demo, "--sign-key", "k.key", "--out", "d.bundle", "--json"], [0]),
            ("bundle verify", ["verify", "d.bundle", "--pubkey", "k.pub", "--json"], [0]),
            ("bundle inspect", ["inspect", "d.bundle", "--json"], [0]),
            ("bundle restore", ["restore", "d.bundle", "--pubkey", "k.pub", "--root", "target", "--dry-run", "--json"], [0]),
            ("bundle restore", ["restore", "d.bundle", "--pubkey", "k.pub", "--root", "target", "--json"], [0]),
            ("bundle rollback", ["rollback", "--root", "target", "--json"], [0]),
            ("bundle diff", ["diff", "d.bundle", "--root", "target", "--json"], [0]),
            ("bundle profiles list", ["profiles", "list", "--json"], [0]),
            ("bundle profiles show", ["profiles", "show", "demo-app", "--json"], [0]),
            ("bundle snapshot create", ["snapshot", "create", "--profile", "demo-app", "--root", demo, "--store", "store", "--json"], [0]),
            ("bundle snapshot list", ["snapshot", "list", "--store", "store", "--json"], [0]),
            ("bundle snapshot verify", ["snapshot", "verify", "--all", "--store", "store", "--json"], [0]),
        ]
        var checked = Set<String>()
        func run(_ table: String, _ arguments: [String], _ codes: Set<Int32>, schema: String? = nil) throws -> [String: Any] {
            let result = try bundle(arguments)
            #expect(codes.contains(result.status), "\(arguments): exit \(result.status): \(result.errors)")
            let document = try document(result)
            let keys = try #require(tables[schema ?? table], "no table for \(schema ?? table) in Formats/json-output.md")
            #expect(Self.problems(document, against: keys) == [], "\(arguments.joined(separator: " "))")
            checked.insert(table)
            return document
        }
        for (table, arguments, codes) in runs { _ = try run(table, arguments, codes) }
        let id = try #require((try document(try bundle(["snapshot", "list", "--store", "store", "--json"]))["snapshots"] as? [[String: Any]])?.first?["id"] as? String)
        runs = [
            ("bundle snapshot restore", ["snapshot", "restore", id, "--store", "store", "--root", "snapshot-target", "--json"], [0]),
            ("bundle diff", ["diff", "--snapshot", id, "--store", "store", "--root", "snapshot-target", "--json"], [0, 1]),
            ("bundle snapshot export", ["snapshot", "export", id, "--store", "store", "--out", "e.bundle", "--json"], [0]),
            ("bundle snapshot prune", ["snapshot", "prune", "--keep", "1", "--store", "store", "--json"], [0]),
        ]
        for (table, arguments, codes) in runs {
            _ = try run(table, arguments, codes, schema: table == "bundle snapshot restore" ? "bundle restore" : nil)
        }
        let documented = Set(tables.keys).subtracting(["error"]).union(["bundle snapshot restore"])
        #expect(checked == documented, "documented but not run: \(documented.subtracting(checked).sorted()); run but not documented: \(checked.subtracting(documented).sorted())")
    }

    @Test("an error is {schema, error: {code, message, hint, file, cause, ...}} with a documented code, for every kind of failure", arguments: [
        (["verify", "missing.bundle", "--pubkey", "k.pub", "--json"], "file-cannot-read", Int32(3)),
        (["create", "--profile", "no-such-profile", "--root", ".", "--sign-key", "k.key", "--out", "x.bundle", "--json"], "profile-not-found", 2),
        (["verify", "k.pub", "--pubkey", "k.key", "--json"], "key-secret-given-as-public", 2),
        (["snapshot", "restore", "nope", "--store", "empty-store", "--json"], "snapshot-not-found", 2),
        (["verify", "--json"], "usage", 64),
    ])
    func errors(arguments: [String], code: String, status: Int32) throws {
        try bundle(["keygen", "--out", "k"])
        try FileManager.default.createDirectory(at: work.path("empty-store"), withIntermediateDirectories: true)
        let result = try bundle(arguments)
        #expect(result.status == status, "\(result.errors)")
        let document = try document(result)
        let error = try #require(document["error"] as? [String: Any], "\(result.output)")
        #expect(document["schema"] as? Int == 1)
        #expect(Set(document.keys) == ["schema", "error"])
        #expect(Self.problems(error.merging(["schema": 1]) { a, _ in a }, against: try #require(Self.tables()["error"])) == [])
        #expect(error["code"] as? String == code, "\(result.output)")
        // A usage error's text is argument-parser's own (with its usage line) on standard error.
        if let hint = error["hint"] as? String, code != "usage" {
            #expect(result.errors.contains("\nhint: \(hint)\n"), "the hint is its own line on standard error: \(result.errors)")
        }
        if code == "file-cannot-read" {
            let cause = try #require(error["cause"] as? [String: Any])
            #expect(cause["code"] as? String == "errno")
            #expect(cause["message"] as? String == "No such file or directory")
            #expect(error["file"] as? String == "missing.bundle")
        }
    }

    @Test("a restore's rewrite target is a plain string, absent values are null")
    func rewriteTargetAndNulls() throws {
        try bundle(["keygen", "--out", "k"])
        let create = try bundle(["create", "--profile", "netwrix-threat-prevention-agent", "--set", "ManagerAddress=em02:3740", "--sign-key", "k.key", "--out", "agents.bundle"])
        #expect(create.status == 0, "\(create.errors)")
        let target = work.path("agent")
        try FileManager.default.copyItem(at: FixturePaths.fixture("netwrix-threat-prevention-agent-target"), to: target)
        let tools = try FakeTools()
        let restore = try bundle(["restore", "agents.bundle", "--pubkey", "k.pub", "--root", "agent", "--os", "windows", "--skip-post-checks", "--service-command", tools.path("service"), "--json"])
        let document = try document(restore)
        let rewrites = try #require(document["rewrites"] as? [[String: Any]], "\(restore.output)\(restore.errors)")
        #expect(rewrites.map { $0["target"] as? String } == ["appSettings key 'managerAddress'"], "\(rewrites)")
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.allSatisfy { $0["link"] is NSNull }, "a file's absent link is null, not dropped")
    }

    @Test("a restore of thousands of files lists every one in `files` and `written`, in the order laid down")
    func longLists() throws {
        // The document's arrays are built one element at a time (NullKeepingEncoder); this
        // checks that long ones keep every element, in order.
        let (folders, perFolder) = (30, 100)
        var expected: [String] = []
        for folder in 0..<folders {
            let dir = work.path("tree/d\(folder)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for file in 0..<perFolder {
                try Data("file \(folder)/\(file)\n".utf8).write(to: dir.appendingPathComponent("f\(file).conf"))
                expected.append("srv/tree/d\(folder)/f\(file).conf")
            }
        }
        try """
            version: 1
            id: many-files
            name: Many files
            variables:
              Tree: /srv/tree
            items:
              - id: tree
                directory: ${Tree}
                role: other
                required: true

            """.write(to: work.path("many.yaml"), atomically: true, encoding: .utf8)
        try bundle(["keygen", "--out", "k"])
        let create = try bundle(["create", "--profile", "many.yaml", "--var", "Tree=\(work.path("tree").path)", "--sign-key", "k.key", "--out", "many.bundle"])
        #expect(create.status == 0, "\(create.errors)")
        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        let restore = try bundle(["restore", "many.bundle", "--pubkey", "k.pub", "--root", work.path("target").path, "--var", "Tree=/srv/tree", "--json"])
        #expect(restore.status == 0, "\(restore.errors)")
        let document = try document(restore)
        let files = try #require(document["files"] as? [[String: Any]])
        let paths = files.compactMap { $0["path"] as? String }
        #expect(paths.count == folders * perFolder)
        #expect(Set(paths.map { $0.split(separator: "/").suffix(4).joined(separator: "/") }) == Set(expected))
        #expect(document["written"] as? [String] == paths, "written lists every file, in the order of files")
    }
}
