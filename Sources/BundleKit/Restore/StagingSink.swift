import BundleCrypto
import Foundation
import SystemPackage

/// Writes each verified member into the staging folder as `NNNNNN` (0600), decrypting age
/// members on the way, with its final mode and time already set, so committing is a rename.
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
    private(set) var staged = StagedFiles()
    private var current: (descriptor: FileDescriptor, path: String)?
    private var decryptor: AgeDecryptor?
    private let unlock: AgeUnlock?
    private let permissions: (ManifestEntry) -> FilePermissions
    /// Members to keep in memory as well when there is no folder (`kept`): the files a dry
    /// run's rewrites are checked against. Config files, so small.
    var retain: Set<String> = []
    /// The plaintext of each `retain` member read so far.
    private(set) var kept: [String: Data] = [:]
    /// The files the key came from, for `RestoreError.wrongKey`.
    var keySources: [String] = []
    private var member = ""

    init(folder: String?, unlock: AgeUnlock?, permissions: @escaping (ManifestEntry) -> FilePermissions) {
        self.folder = folder
        staged.folder = folder ?? ""
        self.unlock = unlock
        self.permissions = permissions
    }

    func begin(_ entry: ManifestEntry) throws {
        var write: (UnsafeRawBufferPointer) throws -> Void = { _ in }
        if let folder {
            let path = HostPath.join(folder, Self.name(staged.count + 1))
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
        try LocalFileSystem.setPermissions(descriptor, permissions(entry), path: path)
        try LocalFileSystem.setModificationTime(descriptor, seconds: entry.mtime, nanoseconds: entry.mtimeNanoseconds, path: path)
        staged.add(entry.member)
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

/// The members a `StagingSink` staged, in order: the n-th is `folder/NNNNNN`.
struct StagedFiles {
    fileprivate(set) var folder = ""
    private var numbers: [String: Int32] = [:]

    /// How many members are staged.
    var count: Int { numbers.count }

    fileprivate mutating func add(_ member: String) {
        numbers[member] = Int32(numbers.count + 1)
    }

    /// Where `member` was staged, if it was.
    func path(of member: String) -> String? {
        numbers[member].map { HostPath.join(folder, StagingSink.name(Int($0))) }
    }
}
