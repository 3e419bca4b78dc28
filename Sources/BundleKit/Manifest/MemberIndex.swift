/// Finds an entry's position in `ManifestEntries` by its member, without a dictionary of
/// member strings: an open-addressing table of positions (8 bytes an entry) whose probes
/// compare the packed names in place.
struct MemberIndex: Sendable {
    /// Position + 1 of the first entry for a member; 0 is a free slot.
    private var slots: [Int32]
    /// Positions whose member an earlier entry has already (lookups give the earlier one).
    private(set) var duplicates: [Int] = []

    /// Indexes every entry of `entries` (fewer than `Int32.max`), telling `progress` now and
    /// then how many are done (a second or more for a million entries).
    init(_ entries: ManifestEntries, progress: (Int) -> Void = { _ in }) {
        precondition(entries.count < Int(Int32.max), "too many entries to index")
        var size = 16
        while size < entries.count * 2 { size *= 2 }
        slots = [Int32](repeating: 0, count: size)
        for position in entries.indices {
            let found = entries.withMember(at: position) { member in probe(member, in: entries) }
            switch found {
            case .found: duplicates.append(position)
            case .free(let slot): slots[slot] = Int32(position + 1)
            }
            if position & 0xFFF == 0xFFF { progress(position + 1) }
        }
    }

    /// The position of the first entry whose member is `member`, if any.
    func position(of member: String, in entries: ManifestEntries) -> Int? {
        var member = member
        return member.withUTF8 { position(of: UnsafeRawBufferPointer($0), in: entries) }
    }

    /// The position of the first entry whose member has these UTF-8 bytes, if any.
    func position(of member: UnsafeRawBufferPointer, in entries: ManifestEntries) -> Int? {
        if case .found(let position) = probe(member, in: entries) { return position }
        return nil
    }

    private enum Probe {
        case found(Int)
        case free(Int)
    }

    private func probe(_ member: UnsafeRawBufferPointer, in entries: ManifestEntries) -> Probe {
        let mask = slots.count - 1
        var slot = FNV1a.hash(member) & mask
        while slots[slot] != 0 {
            let position = Int(slots[slot]) - 1
            if entries.withMember(at: position, { $0.elementsEqual(member) }) { return .found(position) }
            slot = (slot + 1) & mask
        }
        return .free(slot)
    }
}
