import Foundation

/// Where everything in a snapshot store lives (Formats/snapshot-store.md): names only, no I/O.
/// `STORE/keys/` holds the store's keys, `STORE/objects/<2 hex>/<64 hex>` the distinct member
/// contents, `STORE/snapshots/` the headers, restore safeguard indexes and index records, and
/// `STORE/lock` is the store's `flock`.
struct StoreLayout: Sendable {
    /// The store's folder.
    let path: String

    /// `/var/lib/bundle/snapshots` on Linux and macOS, `C:\ProgramData\bundle\snapshots` on
    /// Windows: a folder of the machine `bundle` runs on, whatever `--root` the files live under.
    static func defaultPath(os: OSFamily = .current) -> String {
        os == .windows ? "C:\\ProgramData\\bundle\\snapshots" : "/var/lib/bundle/snapshots"
    }

    /// The store a restore under `stateDirectory` keeps its safeguards in: `STATE/snapshots`,
    /// which for `--root /` is the default store.
    static func safeguardStore(stateDirectory: String) -> String { Host.join(stateDirectory, "snapshots") }

    var keysFolder: String { Host.join(path, "keys") }
    var snapshotsFolder: String { Host.join(path, "snapshots") }
    var objectsFolder: String { Host.join(path, "objects") }
    var lockPath: String { Host.join(path, "lock") }
    var publicKeyPath: String { Host.join(keysFolder, "store.pub") }
    var secretKeyPath: String { Host.join(keysFolder, "store.key") }
    var identityPath: String { Host.join(keysFolder, "store.identity") }
    var recipientPath: String { Host.join(keysFolder, "store.recipient") }
    var signersFolder: String { Host.join(keysFolder, "signers") }

    /// `snapshots/<id>.bundle`: a version 1 snapshot.
    func bundlePath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".bundle") }
    /// `snapshots/<id>.header`: a version 2 snapshot's signed header.
    func headerPath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".header") }
    /// `snapshots/<id>.safeguard`: a restore safeguard's index of original paths (version 3).
    func safeguardPath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".safeguard") }
    /// `snapshots/<id>.json`: every snapshot's index record, written last.
    func recordPath(_ id: String) -> String { Host.join(snapshotsFolder, id + ".json") }
    /// `keys/signers/<key id>.pub`.
    func signerPath(_ keyID: String) -> String { Host.join(signersFolder, keyID + ".pub") }
    /// `STORE/objects`.
    var objects: ObjectStore { ObjectStore(folder: objectsFolder) }

    /// The names a snapshot's files end with, after its id.
    static let snapshotSuffixes = [".bundle", ".header", ".safeguard"]

    /// `YYYYMMDDTHHMMSSZ-xxxx` for `date`, with a random suffix above that of any id of the
    /// same second in `existing`, so ids made under the lock sort in creation order.
    static func makeID(_ date: Date, after existing: [String] = []) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let stamp = String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
        let taken = existing.filter { $0.hasPrefix(stamp + "-") }.compactMap { UInt32($0.dropFirst(stamp.count + 1), radix: 16) }
        let floor = (taken.max() ?? 0) + 1
        guard floor <= 0xffff else { throw FileSystemError.alreadyExists(path: "snapshots/\(stamp)-ffff") }
        // Leave room above: at most a sixteenth of what remains, so many in one second still fit.
        let ceiling = floor + max(0, (0xffff - floor) / 16)
        return stamp + "-" + String(format: "%04x", UInt32.random(in: floor...ceiling))
    }

    /// An id as made here: no path separators, nothing that could leave the folder.
    static func isValidID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}
