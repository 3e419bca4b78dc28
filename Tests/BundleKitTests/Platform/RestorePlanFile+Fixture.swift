import Foundation

@testable import BundleKit

extension RestorePlan.File {
    /// A plain 0644 config file planned for `host`: what the commit tests write.
    static func configFile(at host: URL) -> RestorePlan.File {
        let entry = ManifestEntry(
            member: "files/config/app.conf", target: "${AppDir}/app.conf", item: "config", role: .config, size: 4,
            permissions: 0o644, mtime: 1_700_000_000, mtimeNanoseconds: 0, sha256: String(repeating: "0", count: 64))
        return .init(entry: entry, resolved: "/opt/test/app.conf", hostPath: host.path, permissions: 0o644, replaces: false)
    }
}
