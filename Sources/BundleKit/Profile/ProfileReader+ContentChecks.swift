import Yams

/// Reading the post-checks that look at what the product serves or what its files say:
/// `http:`, `links-inside:` and `ini-paths-exist:`.
extension ProfileReader {
    /// `http: URL`: a plain GET that must answer below 400.
    func readHTTPCheck(_ value: Node, within: Int) throws -> PostCheck {
        let url = try template(value, key: "http", context: "a post-check")
        guard url.hasPrefix("http://") || url.hasPrefix("${") else {
            throw ProfileError.invalidValue(file: file, line: line(of: value), key: "http", reason: "'\(url)' is not an http:// URL (https is not probed; use a tcp check for its port)")
        }
        return .http(url: url, within: within)
    }

    /// `links-inside: {directory, inside}`: every link below `directory` leads inside `inside`.
    func readLinksInsideCheck(_ value: Node, within: Int) throws -> PostCheck {
        let kind = PostCheckKind.linksInside.rawValue
        let context = "'\(kind)' of a post-check"
        let fields = try mapping(value, kind: kind, allowed: ["directory", "inside"], expected: "a mapping with directory and inside")
        guard let directory = fields["directory"] else { throw missing("directory", in: value, context: context) }
        guard let inside = fields["inside"] else { throw missing("inside", in: value, context: context) }
        return .linksInside(
            directory: try template(directory, key: "directory", context: context),
            inside: try template(inside, key: "inside", context: context), within: within)
    }

    /// `ini-paths-exist: {glob, section, keys}`: every path those keys name exists.
    func readINIPathsExistCheck(_ value: Node, within: Int) throws -> PostCheck {
        let kind = PostCheckKind.iniPathsExist.rawValue
        let context = "'\(kind)' of a post-check"
        let fields = try mapping(value, kind: kind, allowed: ["glob", "section", "keys"], expected: "a mapping with glob, keys and an optional section")
        guard let glob = fields["glob"] else { throw missing("glob", in: value, context: context) }
        guard let keysNode = fields["keys"] else { throw missing("keys", in: value, context: context) }
        return .iniPathsExist(
            glob: try template(glob, key: "glob", context: context),
            section: try fields["section"].map { try string($0, key: "section", context: context) } ?? "",
            keys: try keyList(keysNode, context: context), within: within)
    }

    /// A non-empty list of INI key names.
    func keyList(_ node: Node, context: String) throws -> [String] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, key: "keys", context: context, expected: "a list of INI key names")
        }
        let keys = try sequence.map { try nonEmptyString($0, key: "keys", context: context) }
        guard !keys.isEmpty else {
            throw ProfileError.invalidValue(file: file, line: line(of: node), key: "keys", reason: "the list is empty; name at least one key")
        }
        return keys
    }

    private func mapping(_ node: Node, kind: String, allowed: [String], expected: String) throws -> [String: Node] {
        guard case .mapping = node else { throw wrongType(node, key: kind, context: "a post-check", expected: expected) }
        return try fields(of: node, context: "'\(kind)' of a post-check", allowed: allowed)
    }
}

/// Reading the `ini-prefix` rewrite.
extension ProfileReader {
    /// `ini-prefix: {keys: [...], from: TEMPLATE, section: NAME}`.
    func readINIPrefix(_ node: Node) throws -> RewriteTarget {
        let context = "'ini-prefix' of a rewrite"
        guard case .mapping = node else { throw wrongType(node, key: "ini-prefix", context: "a rewrite", expected: "a mapping with keys, from and an optional section") }
        let fields = try self.fields(of: node, context: context, allowed: ["keys", "from", "section"])
        guard let keys = fields["keys"] else { throw missing("keys", in: node, context: context) }
        guard let from = fields["from"] else { throw missing("from", in: node, context: context) }
        return .iniPrefix(
            section: try fields["section"].map { try string($0, key: "section", context: context) } ?? "",
            keys: try keyList(keys, context: context), from: try template(from, key: "from", context: context))
    }
}
