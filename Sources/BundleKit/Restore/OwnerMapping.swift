/// Who restored files and folders belong to, like `tar -p` as root: the captured owner and
/// group by name on this machine, else by the captured number. Only root can give files away;
/// another user keeps them as its own, and the paths whose captured owner differs are listed
/// (`RestorePlan.ownersNotApplied`). A bundle from Windows records no POSIX owners to apply.
struct OwnerMapping {
    let apply: Bool

    init(sourceOS: OSFamily) {
        apply = sourceOS != .windows && Accounts.canChangeOwners
    }

    /// The ids to give `path` (nil: unchanged); records it in `notApplied` when the captured
    /// owner cannot be given.
    func ids(owner: String?, uid: UInt32?, group: String?, gid: UInt32?, path: String, notApplied: inout [String]) -> (UInt32?, UInt32?) {
        guard uid != nil || gid != nil || owner != nil || group != nil else { return (nil, nil) }
        let user = Accounts.resolve(name: owner, id: uid, lookup: Accounts.userID)
        let group = Accounts.resolve(name: group, id: gid, lookup: Accounts.groupID)
        guard apply else {
            if let user, user != Accounts.effectiveUser { notApplied.append(path) }
            return (nil, nil)
        }
        return (user, group)
    }
}
