import Yams

/// Reading the operational sections: services, preflight, steps, rewrites, post-checks.
extension ProfileReader {
    static let serviceKeys = ["name", "after-capture"]
    static let stepsKeys = ["capture", "restore"]
    static let captureStepKeys = ["rewrites", "before", "after", "refuse"]
    static let restoreStepKeys = ["after-files"]
    static let rewriteKinds = RewriteKind.keys
    static let rewriteKeys = ["file", "glob", "value", "type"] + rewriteKinds
    static let postCheckKinds = PostCheckKind.keys

    func readServices(_ node: Node) throws -> [ServiceSpec] {
        try list(node, key: "services", expected: "a list of services (names, or mappings with name)").map { entry in
            if case .scalar = entry { return ServiceSpec(name: try template(entry, key: "services", context: Self.topContext)) }
            let fields = try self.fields(of: entry, context: "a service", allowed: Self.serviceKeys)
            guard let name = fields["name"] else { throw missing("name", in: entry, context: "a service") }
            var service = ServiceSpec(name: try template(name, key: "name", context: "a service"))
            service.afterCapture = try fields["after-capture"].map { try template($0, key: "after-capture", context: "a service") }
            return service
        }
    }

    func readPreflight(_ node: Node) throws -> [PreflightCheck] {
        try list(node, key: "preflight", expected: "a list of checks (exists: PATH, run: [...], or json-paths-exist: {file, pointers})").map { entry in
            let context = "a preflight check"
            let fields = try self.fields(of: entry, context: context, allowed: ["exists", "run", "timeout", "json-paths-exist"])
            if let path = fields["exists"], fields.count == 1 {
                return .exists(try template(path, key: "exists", context: context))
            }
            if let spec = fields["json-paths-exist"], fields.count == 1 {
                return try readJSONPathsExist(spec)
            }
            guard fields["run"] != nil, fields["exists"] == nil, fields["json-paths-exist"] == nil else {
                throw ProfileError.invalidValue(file: file, line: line(of: entry), key: "preflight", reason: "a check is exactly one of 'exists: PATH', 'run: [program, args...]' (with an optional timeout) or 'json-paths-exist: {file: PATH, pointers: [...]}'")
            }
            return .run(try readCommand(entry, key: "run", context: context))
        }
    }

    /// `json-paths-exist: {file: PATH, pointers: [/a/b, ...]}`.
    private func readJSONPathsExist(_ node: Node) throws -> PreflightCheck {
        let context = "'json-paths-exist' of a preflight check"
        guard case .mapping = node else {
            throw wrongType(node, key: "json-paths-exist", context: "a preflight check", expected: "a mapping with file and pointers")
        }
        let fields = try self.fields(of: node, context: context, allowed: ["file", "pointers"])
        guard let fileNode = fields["file"] else { throw missing("file", in: node, context: context) }
        guard let pointersNode = fields["pointers"] else { throw missing("pointers", in: node, context: context) }
        let pointers = try list(pointersNode, key: "pointers", expected: "a list of JSON pointers (/Client/LogPath)").map { pointer in
            let text = try nonEmptyString(pointer, key: "pointers", context: context)
            guard text.hasPrefix("/") else {
                throw ProfileError.invalidValue(file: file, line: line(of: pointer), key: "pointers", reason: "'\(text)' is not a JSON pointer; one starts with '/' (e.g. /Client/LogPath)")
            }
            return text
        }
        guard !pointers.isEmpty else {
            throw ProfileError.invalidValue(file: file, line: line(of: pointersNode), key: "pointers", reason: "the list is empty; name at least one JSON pointer")
        }
        return .jsonPathsExist(file: try template(fileNode, key: "file", context: context), pointers: pointers)
    }

    func readPostChecks(_ node: Node) throws -> [PostCheck] {
        try list(node, key: "post-checks", expected: "a list of checks (tcp:, run:, exists:) with within: SECONDS").map { entry in
            let context = "a post-check"
            let fields = try self.fields(of: entry, context: context, allowed: Self.postCheckKinds + ["within", "timeout", "output-lacks"])
            let within = try fields["within"].map { try positive($0, key: "within", context: context) } ?? 60
            let kinds = PostCheckKind.allCases.filter { fields[$0.rawValue] != nil }
            guard kinds.count == 1, let kind = kinds.first, let value = fields[kind.rawValue] else {
                throw ProfileError.invalidValue(file: file, line: line(of: entry), key: "post-checks", reason: "a post-check has exactly one of \(Self.postCheckKinds.joined(separator: ", "))")
            }
            if kind != .run, let extra = fields["output-lacks"] {
                throw ProfileError.invalidValue(file: file, line: line(of: extra), key: "output-lacks", reason: "'output-lacks' belongs to a run check")
            }
            switch kind {
            case .tcp: return .tcp(address: try template(value, key: "tcp", context: context), within: within)
            case .exists: return .exists(try template(value, key: "exists", context: context), within: within)
            case .http: return try readHTTPCheck(value, within: within)
            case .linksInside: return try readLinksInsideCheck(value, within: within)
            case .iniPathsExist: return try readINIPathsExistCheck(value, within: within)
            case .run:
                var mapping = entry
                if case .mapping(var pairs) = entry {
                    pairs["within"] = nil
                    pairs["output-lacks"] = nil
                    mapping = .mapping(pairs)
                }
                var command = try readCommand(mapping, key: "run", context: context)
                command.outputLacks = try fields["output-lacks"].map { try nonEmptyString($0, key: "output-lacks", context: context) }
                return .run(command, within: within)
            }
        }
    }

    func readSteps(_ node: Node) throws -> ProfileSteps {
        var steps = ProfileSteps()
        let fields = try self.fields(of: node, context: "'steps'", allowed: Self.stepsKeys)
        if let capture = fields["capture"] {
            let phases = try self.fields(of: capture, context: "'steps.capture'", allowed: Self.captureStepKeys)
            steps.captureBefore = try phases["before"].map { try commands($0, key: "before") } ?? []
            steps.captureAfter = try phases["after"].map { try commands($0, key: "after") } ?? []
            steps.captureRewrites = try phases["rewrites"].map(readRewrites) ?? []
            steps.captureRefusals = try phases["refuse"].map(readRefusals) ?? []
        }
        if let restore = fields["restore"] {
            let phases = try self.fields(of: restore, context: "'steps.restore'", allowed: Self.restoreStepKeys)
            steps.restoreAfterFiles = try phases["after-files"].map { try commands($0, key: "after-files") } ?? []
        }
        return steps
    }

    func readRewrites(_ node: Node) throws -> [RewriteSpec] {
        try list(node, key: "rewrites", expected: "a list of rewrites (file, one of \(Self.rewriteKinds.joined(separator: ", ")), value)").map { entry in
            let context = "a rewrite"
            let fields = try self.fields(of: entry, context: context, allowed: Self.rewriteKeys)
            guard let fileNode = fields["file"] ?? fields["glob"] else { throw missing("file", in: entry, context: context) }
            if fields["file"] != nil, let glob = fields["glob"] {
                throw ProfileError.invalidValue(file: file, line: line(of: glob), key: "glob", reason: "a rewrite has 'file' or 'glob', not both")
            }
            guard let valueNode = fields["value"] else { throw missing("value", in: entry, context: context) }
            let kinds = RewriteKind.allCases.filter { fields[$0.rawValue] != nil }
            guard kinds.count == 1, let kind = kinds.first, let spec = fields[kind.rawValue] else {
                throw missing(Self.rewriteKinds.joined(separator: "|"), in: entry, context: context)
            }
            let target: RewriteTarget
            switch kind {
            case .xmlAppSetting: target = .xmlAppSetting(key: try nonEmptyString(spec, key: kind.rawValue, context: context))
            case .xpath: target = .xmlXPath(try nonEmptyString(spec, key: kind.rawValue, context: context))
            case .jsonPointer: target = .jsonPointer(try string(spec, key: kind.rawValue, context: context))
            case .iniPrefix: target = try readINIPrefix(spec)
            case .ini:
                let ini = try self.fields(of: spec, context: "'ini' of \(context)", allowed: ["section", "key"])
                guard let key = ini["key"] else { throw missing("key", in: spec, context: "'ini' of \(context)") }
                target = .ini(
                    section: try ini["section"].map { try string($0, key: "section", context: context) } ?? "",
                    key: try nonEmptyString(key, key: "key", context: context))
            case .replace:
                let replace = try self.fields(of: spec, context: "'replace' of \(context)", allowed: ["find", "guard"])
                guard let find = replace["find"] else { throw missing("find", in: spec, context: "'replace' of \(context)") }
                target = .replace(
                    find: try nonEmptyString(find, key: "find", context: context),
                    guard: try replace["guard"].map { try string($0, key: "guard", context: context) })
            }
            let (value, type) = try rewriteValue(valueNode, type: fields["type"], target: target, context: context)
            var rewrite = RewriteSpec(
                file: try template(fileNode, key: fields["glob"] != nil ? "glob" : "file", context: context), target: target,
                value: value, type: type)
            rewrite.glob = fields["glob"] != nil
            return rewrite
        }
    }

    private func commands(_ node: Node, key: String) throws -> [CommandSpec] {
        try list(node, key: key, expected: "a list of commands ({run: [...], timeout: N})").map {
            try readCommand($0, key: key, context: "'steps'")
        }
    }

    private func list(_ node: Node, key: String, expected: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, key: key, context: Self.topContext, expected: expected)
        }
        return Array(sequence)
    }

    private func positive(_ node: Node, key: String, context: String) throws -> Int {
        let value = try integer(node, key: key, context: context)
        guard value > 0 else {
            throw ProfileError.invalidValue(file: file, line: line(of: node), key: key, reason: "give a number of seconds above 0")
        }
        return value
    }
}
