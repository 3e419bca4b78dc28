import Foundation
import SystemPackage

/// An idempotent restore: when the target already holds what the bundle says, nothing is
/// stopped, saved or written, and the report says so (`RestoreReport.nothingToChange`). That is
/// what a configuration-management run (Ansible's `changed`) needs to report honestly.
extension Restorer {
    /// True when every planned file is already on the target with the bytes, mode and owner
    /// the restore would leave there (a link with the same text), every folder of the bundle is
    /// there with its mode and owner, every rewrite's value already reads as planned, and the
    /// plan has nothing else that changes the target. Modification times are not compared.
    ///
    /// Imports and after-files steps run a vendor's program whose effect cannot be read back,
    /// and an exact restore with files to remove changes the tree, so a plan with any of them
    /// is never "unchanged". A file that is also rewritten is compared with its staged bytes
    /// with the rewrite applied, which is what the restore would leave. Anything that cannot be
    /// read or rewritten here answers false: the restore then runs and reports the problem.
    static func targetHolds(_ plan: RestorePlan, staged: StagedFiles) -> Bool {
        guard plan.imports.isEmpty, plan.afterFiles.isEmpty, plan.removals.isEmpty, plan.emptiedFolders.isEmpty else {
            return false
        }
        let rewrites = plan.rewrites.filter { $0.value != nil }
        var rewritten = Set<String>()
        for file in plan.files {
            guard let status = try? FileStatus.of(file.hostPath) else { return false }
            // Without an owner to give, a restored file (or link) is the restoring user's.
            guard status.owner == file.owner ?? Accounts.effectiveUser, status.group == file.group ?? Accounts.effectiveGroup else {
                return false
            }
            if let link = file.entry.link {
                guard status.kind == .symlink, (try? FileManager.default.destinationOfSymbolicLink(atPath: file.hostPath)) == link else {
                    return false
                }
                continue
            }
            guard status.kind == .regular, status.permissions == file.permissions,
                  let stagedPath = file.entryPosition.flatMap(staged.path(ofEntry:)) ?? staged.path(of: file.entry.member) else { return false }
            let applying = rewrites.filter { $0.hostPath == file.hostPath }
            if applying.isEmpty {
                guard status.size == file.entry.size || file.entry.encrypted, sameBytes(stagedPath, file.hostPath) else { return false }
                continue
            }
            rewritten.insert(file.hostPath)
            guard var expected = try? Data(contentsOf: URL(fileURLWithPath: stagedPath)) else { return false }
            for rewrite in applying {
                guard let value = rewrite.value,
                      let (data, _) = try? ConfigRewriter.rewrite(expected, target: rewrite.target, value: value, type: rewrite.type, file: rewrite.hostPath)
                else { return false }
                expected = data
            }
            guard let current = try? Data(contentsOf: URL(fileURLWithPath: file.hostPath)), current == expected else { return false }
        }
        // Folders: there, with the captured mode and owner. Not their modification time: a
        // rewrite or the product itself touches a folder's time whenever it writes in it.
        for folder in plan.folders {
            guard let status = try? FileStatus.of(folder.hostPath), status.kind == .directory, status.permissions == folder.permissions,
                  folder.owner.map({ $0 == status.owner }) ?? true, folder.group.map({ $0 == status.group }) ?? true
            else { return false }
        }
        for rewrite in rewrites where !rewritten.contains(rewrite.hostPath) {
            guard let value = rewrite.value,
                  let data = try? Data(contentsOf: URL(fileURLWithPath: rewrite.hostPath)),
                  let (_, result) = try? ConfigRewriter.rewrite(data, target: rewrite.target, value: value, type: rewrite.type, file: rewrite.hostPath),
                  !result.changed
            else { return false }
        }
        return true
    }

    /// Whether two files hold the same bytes, read side by side in 1 MiB blocks.
    private static func sameBytes(_ first: String, _ second: String) -> Bool {
        guard let a = try? LocalFileSystem.openForReading(first) else { return false }
        defer { try? a.close() }
        guard let b = try? LocalFileSystem.openForReading(second) else { return false }
        defer { try? b.close() }
        let left = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        let right = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer {
            left.deallocate()
            right.deallocate()
        }
        while true {
            guard let count = try? LocalFileSystem.readFully(a, into: left, path: first),
                  let other = try? LocalFileSystem.readFully(b, into: right, path: second),
                  count == other, memcmp(left.baseAddress!, right.baseAddress!, count) == 0
            else { return false }
            if count < left.count { return true }
        }
    }
}
