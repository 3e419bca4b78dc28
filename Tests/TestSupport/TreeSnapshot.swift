import Crypto
import Foundation

/// Everything about a folder tree that a restore could change: each path's kind, mode,
/// owner and group, size, modification time and content digest (a link's text). Two equal snapshots mean an unchanged tree.
public struct TreeSnapshot: Equatable, CustomStringConvertible, Sendable {
    /// One path's state.
    public struct Node: Equatable, Sendable {
        public var kind: String
        public var mode: Int
        public var owner: Int
        public var group: Int
        public var size: Int
        public var mtime: Double
        public var sha256: String
    }

    /// Relative path → state.
    public var nodes: [String: Node]

    /// Reads the tree under `root` (symlinks are recorded, not followed).
    public init(_ root: URL) throws {
        nodes = [:]
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: root.path) else { return }
        while let relative = walker.nextObject() as? String {
            let path = root.appendingPathComponent(relative).path
            let attributes = try manager.attributesOfItem(atPath: path)
            let type = attributes[.type] as? FileAttributeType
            var digest = ""
            if type == .typeRegular {
                digest = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
            } else if type == .typeSymbolicLink {
                digest = try manager.destinationOfSymbolicLink(atPath: path)
            }
            nodes[relative] = Node(
                kind: type?.rawValue ?? "?", mode: (attributes[.posixPermissions] as? Int) ?? 0,
                owner: (attributes[.ownerAccountID] as? Int) ?? -1, group: (attributes[.groupOwnerAccountID] as? Int) ?? -1,
                size: (attributes[.size] as? Int) ?? 0,
                mtime: type == .typeDirectory ? 0 : ((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0),
                sha256: digest)
        }
    }

    /// The paths whose state differs from `other`, one per line, for failure messages.
    public func difference(from other: TreeSnapshot) -> String {
        Set(nodes.keys).union(other.nodes.keys).sorted().compactMap { path in
            nodes[path] == other.nodes[path] ? nil : "\(path): \(other.nodes[path].map(String.init(describing:)) ?? "absent") -> \(nodes[path].map(String.init(describing:)) ?? "absent")"
        }.joined(separator: "\n")
    }

    /// The paths, sorted, one per line with their state.
    public var description: String {
        nodes.keys.sorted().map { "\($0): \(nodes[$0]!)" }.joined(separator: "\n")
    }
}
