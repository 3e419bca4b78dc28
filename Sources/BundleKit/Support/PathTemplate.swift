/// Target path templates as the profile and the manifest write them (`${ConfigPath}/*.json`):
/// the two rules capture, verify, restore and the manifest's link policy must agree on.
enum PathTemplate {
    /// A file name as template text: `$` doubled so restore does not read `${...}` in it.
    static func literal(_ name: String) -> String {
        name.replacingOccurrences(of: "$", with: "$$")
    }

    /// `${Dir}/renewals/*.json` → (`${Dir}/renewals`, `*.json`); either separator.
    static func split(_ template: String) -> (folder: String, pattern: String) {
        guard let slash = template.lastIndex(where: { $0 == "/" || $0 == "\\" }) else { return (".", template) }
        return (String(template[..<slash]), String(template[template.index(after: slash)...]))
    }
}
