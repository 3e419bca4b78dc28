/// Where a symbolic link member may point. A link is kept only when it stays inside what the
/// bundle captures: its text is relative, `..` appears only at its start (climbing real
/// folders, never the part a variable stands for), it passes through no other link, and it
/// lands on a captured regular file or on a folder that holds one. Nothing, file or link, may
/// lie below a link. The checks work on target templates
/// (`${ConfigDir}/live/example.com/cert.pem`), so they hold for every value the variables take
/// on a target. Capture applies them to what it finds, verify to what a manifest declares.
struct LinkPolicy {
    /// Targets of the regular entries.
    let files: Set<String>
    /// Targets of the link entries.
    let links: Set<String>
    /// Every folder that holds a captured regular file.
    private let folders: Set<String>

    /// The policy for a bundle whose regular entries target `files` and link entries `links`.
    init(files: Set<String>, links: Set<String>) {
        self.files = files
        self.links = links
        var folders = Set<String>()
        for file in files {
            let parts = Self.components(file)
            for count in 1..<max(1, parts.count) { folders.insert(parts[..<count].joined(separator: "/")) }
        }
        self.folders = folders
    }

    /// Why the link with text `link`, whose own target template is `target`, is refused; nil
    /// when it is allowed.
    func problem(link: String, at target: String) -> String? {
        if link.isEmpty { return "the link text is empty" }
        if link.utf8.contains(0) || link.contains("\\") || link.contains("\n") { return "the link text holds a NUL, a backslash or a line break" }
        if link.hasPrefix("/") { return "the link is absolute; only relative links inside the captured tree are kept" }
        var base = Self.components(target).dropLast()
        var forward: [String] = []
        for part in link.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            switch part {
            case "", ".":
                return "the link text has an empty or '.' component"
            case "..":
                guard forward.isEmpty else { return "'..' after a name in the link text (only leading '..' are kept)" }
                guard let last = base.last, !last.isEmpty, !last.contains("${"), !last.contains("\\") else {
                    return "the link climbs out of the captured tree"
                }
                base.removeLast()
            default:
                forward.append(PathTemplate.literal(part))
            }
        }
        guard !forward.isEmpty else { return "the link points at a folder above itself" }
        var path = base.joined(separator: "/")
        for (index, name) in forward.enumerated() {
            path += "/" + name
            if links.contains(path) {
                return index == forward.count - 1
                    ? "the link points at another link (\(path)); links must point at a captured file"
                    : "the link passes through another link (\(path)), which could lead anywhere"
            }
        }
        if files.contains(path) || folders.contains(path) { return nil }
        return "the link points at \(path), which the bundle does not capture"
    }

    /// The declared link that `target` would be written through, if any.
    func linkOnTheWay(to target: String) -> String? {
        let parts = Self.components(target)
        for count in 1..<max(1, parts.count) {
            let folder = parts[..<count].joined(separator: "/")
            if links.contains(folder) { return folder }
        }
        return nil
    }

    private static func components(_ template: String) -> [String] {
        template.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }
}
