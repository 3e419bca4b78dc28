/// Target path templates as the profile and the manifest write them (`${ConfigPath}/*.json`):
/// the two rules capture, verify, restore and the manifest's link policy must agree on.
enum PathTemplate {
    /// A file name as template text: `$` doubled so restore does not read `${...}` in it.
    static func literal(_ name: String) -> String {
        // Capture asks this for every file: most names have no `$`, and NSString's replace
        // costs more than the rest of a small file's manifest entry.
        guard name.utf8.contains(UInt8(ascii: "$")) else { return name }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + 4)
        for byte in name.utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "$") { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `${Dir}/renewals/*.json` → (`${Dir}/renewals`, `*.json`); either separator.
    static func split(_ template: String) -> (folder: String, pattern: String) {
        guard let slash = template.lastIndex(where: { $0 == "/" || $0 == "\\" }) else { return (".", template) }
        return (String(template[..<slash]), String(template[template.index(after: slash)...]))
    }
}
