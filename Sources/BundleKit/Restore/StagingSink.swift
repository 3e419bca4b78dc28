import BundleCrypto
import Foundation
import SystemPackage

/// Writes each verified member into the staging folder, as `NNNNNN` or at its place in a
/// staged tree (`StagingLayout`), created 0600, decrypting age members on the way, with its
/// final time, owner and mode already set (`StagedMetadata`), so committing is a rename.
/// The data is not synced file by file: `syncAll` makes all of it durable at once before the
/// first rename. Without a folder it only decrypts and discards: what a dry run uses to prove
/// the identity opens every secret.
final class StagingSink: PayloadSink {
    /// Where members go; nil decrypts and discards. Restore sets it once its checks pass,
    /// before the first member arrives.
    var folder: String? {
        didSet { staged.folder = folder ?? "" }
    }
    /// Each member staged so far, by its number in the folder (its path is made on demand:
    /// a path per file is ~60 bytes more for each of 50,000 files).
    private(set) var staged: StagedFiles
    private var current: (descriptor: FileDescriptor, path: String)?
    /// The manifest position of the member being staged (nil: none known).
    private var position: Int?
    /// The last folder made in a staged tree (the next file is most likely in it too).
    private var lastTreeFolder = ""
    private var decryptor: AgeDecryptor?
    private let unlock: AgeUnlock?
    /// The owner and mode of each planned file; nil: every staged file stays 0600.
    private var metadata: StagedMetadata?
    /// Members to keep in memory as well when there is no folder (`kept`): the files a dry
    /// run's rewrites are checked against. Config files, so small.
    var retain: Set<String> = []
    /// The plaintext of each `retain` member read so far.
    private(set) var kept: [String: Data] = [:]
    /// The files the key came from, for `RestoreError.wrongKey`.
    var keySources: [String] = []
    private var member = ""

    init(folder: String?, staging files: StagedFiles = StagedFiles(), unlock: AgeUnlock?, metadata: StagedMetadata? = nil) {
        self.folder = folder
        staged = files
        staged.folder = folder ?? ""
        self.unlock = unlock
        self.metadata = metadata
    }

    func begin(_ entry: ManifestEntry) throws {
        var write: (UnsafeRawBufferPointer) throws -> Void = { _ in }
        position = staged.begin(entry.member)
        if let folder {
            let path: String
            if let tree = position.flatMap(staged.layout.treePath(ofEntry:)) {
                path = HostPath.join(folder, tree)
                try makeTreeFolder(HostPath.parent(path))
            } else {
                path = HostPath.join(folder, Self.name(staged.count + 1))
            }
            let descriptor = try LocalFileSystem.createExclusive(path, permissions: .ownerOnly)
            current = (descriptor, path)
            write = { try LocalFileSystem.writeAll(descriptor, $0, path: path) }
        } else if retain.contains(entry.member) {
            let member = entry.member
            kept[member] = Data()
            write = { [unowned self] in self.kept[member, default: Data()].append(contentsOf: $0) }
        }
        member = entry.member
        if entry.encrypted {
            guard let unlock else { throw RestoreError.identityRequired(member: entry.member) }
            decryptor = AgeDecryptor(unlock: unlock, output: write)
        } else {
            decryptor = nil
        }
        writeStored = decryptor.map { decryptor in { try decryptor.write($0) } } ?? write
    }

    private var writeStored: (UnsafeRawBufferPointer) throws -> Void = { _ in }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try writeStored(bytes)
        } catch let error as AgeError {
            throw Self.naming(error, member: member, keys: keySources)
        }
    }

    /// A wrong key named with the member and the files it came from; other age errors as they are.
    static func naming(_ error: AgeError, member: String, keys: [String]) -> Error {
        switch error {
        case .noIdentityMatched, .passphraseRequired, .notPassphraseEncrypted, .wrongPassphrase:
            return RestoreError.wrongKey(member: member, keys: keys, reason: error)
        default:
            return error
        }
    }

    func end(_ entry: ManifestEntry, intact: Bool) throws {
        defer { decryptor = nil }
        let file = current
        current = nil
        guard intact else {
            abandon(file)
            return
        }
        do {
            try decryptor?.finish()
        } catch let error as AgeError {
            abandon(file)
            throw Self.naming(error, member: entry.member, keys: keySources)
        } catch {
            abandon(file)
            throw error
        }
        guard let (descriptor, path) = file else { return }
        defer { try? descriptor.close() }
        staged.add()
        // Owner first (a change of owner clears set-group-ID), then the mode.
        if let position, let value = metadata?.next(forEntry: position) {
            try LocalFileSystem.setOwner(descriptor, owner: value.owner, group: value.group, path: path)
            try LocalFileSystem.setPermissions(descriptor, value.permissions, path: path)
        }
        staged.ownerAndModeSet = metadata?.isComplete ?? false
        try LocalFileSystem.setModificationTime(descriptor, seconds: entry.mtime, nanoseconds: entry.mtimeNanoseconds, path: path)
    }

    /// Makes `folder` (in a staged tree) and the folders above it, unless it was the last one made.
    private func makeTreeFolder(_ folder: String) throws {
        guard folder != lastTreeFolder else { return }
        try LocalFileSystem.makeDirectories(folder)
        lastTreeFolder = folder
    }

    /// `NNNNNN`: the number, zero-padded to six digits (without `String(format:)`, which is slow).
    static func name(_ number: Int) -> String {
        let digits = String(number)
        return digits.count >= 6 ? digits : String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Makes every staged file's data durable, with one sync of the staging folder's file
    /// system rather than one fsync per file.
    func syncAll() throws {
        guard let folder else { return }
        try LocalFileSystem.syncFileSystem(containing: folder)
    }

    /// Closes and removes a member left open by an error.
    func abandon() {
        abandon(current)
        current = nil
        decryptor = nil
    }

    private func abandon(_ file: (descriptor: FileDescriptor, path: String)?) {
        guard let (descriptor, path) = file else { return }
        try? descriptor.close()
        LocalFileSystem.remove(path)
    }
}

/// The members a `StagingSink` staged, in order: the n-th is `folder/NNNNNN`. A verified
/// payload comes in member order (`MemberIndex`) and every member but a link (which has no
/// bytes) is staged, so the n-th member staged is the n-th entry in that order that is not a
/// link: nothing is kept per member but the ranks of the links. Each member staged is checked
/// to be the one expected next; one that is not (a bundle that cannot verify) makes every
/// lookup fail.
struct StagedFiles {
    fileprivate(set) var folder = ""
    /// Which members go into a staged tree rather than flat.
    let layout: StagingLayout
    /// How many members are staged.
    private(set) var count = 0
    /// Whether every staged file that is planned has its owner and mode already (`StagedMetadata`).
    fileprivate(set) var ownerAndModeSet = false
    /// The rank (in member order) the next staged member should have.
    private var cursor = 0
    /// The ranks of the links passed so far, ascending.
    private var linkRanks: [Int32] = []
    /// A member came that was not the one expected next, or one begun was not staged.
    private var misaligned = false
    /// A member is begun and not staged yet.
    private var pending = false
    private let manifest: Manifest?
    private let order: MemberIndex

    /// Staging of `manifest`'s members in `order` (nil: nothing is ever found), laid out by `layout`.
    init(manifest: Manifest? = nil, order: MemberIndex = .identity, layout: StagingLayout = .flat) {
        self.manifest = manifest
        self.order = order
        self.layout = layout
    }

    /// Counts the member begun last as staged.
    fileprivate mutating func add() {
        count += 1
        pending = false
    }

    /// Moves on to `member`, about to be staged; returns its entry's position in the manifest
    /// (nil: no manifest, or not the member expected next).
    fileprivate mutating func begin(_ member: String) -> Int? {
        // One begun and never staged (abandoned: the bundle does not verify) shifts every number after it.
        if pending { misaligned = true }
        pending = true
        guard let manifest, !misaligned else { return nil }
        let entries = manifest.entries
        while cursor < entries.count {
            let position = order.position(ofRank: cursor)
            let entry = entries[position]
            cursor += 1
            if entry.link == nil {
                if entry.member != member { misaligned = true }
                return misaligned ? nil : position
            }
            linkRanks.append(Int32(cursor - 1))
        }
        misaligned = true
        return nil
    }

    /// Where the entry at `position` in the manifest was staged, if it was.
    func path(ofEntry position: Int) -> String? {
        guard !misaligned, let manifest, manifest.entries[position].link == nil else { return nil }
        return path(ofRank: order.rank(ofPosition: position))
    }

    /// Where `member` was staged, if it was (a binary search in member order).
    func path(of member: String) -> String? {
        guard !misaligned, let manifest else { return nil }
        var (low, high) = (0, min(cursor, manifest.entries.count))
        while low < high {
            let middle = (low + high) / 2
            let entry = manifest.entries[order.position(ofRank: middle)]
            if entry.member == member { return entry.link == nil ? path(ofRank: middle) : nil }
            if BundleLayout.precedes(entry.member, member) { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// The staged file of the entry of `rank`: in its tree, or flat, numbered by the entries
    /// before it that are not links.
    private func path(ofRank rank: Int) -> String? {
        guard rank < cursor else { return nil }
        var (low, high) = (0, linkRanks.count)
        while low < high {
            let middle = (low + high) / 2
            if Int(linkRanks[middle]) < rank { low = middle + 1 } else { high = middle }
        }
        let number = rank - low + 1
        guard number <= count else { return nil }
        if let tree = layout.treePath(ofEntry: order.position(ofRank: rank)) { return HostPath.join(folder, tree) }
        return HostPath.join(folder, StagingSink.name(number))
    }
}
