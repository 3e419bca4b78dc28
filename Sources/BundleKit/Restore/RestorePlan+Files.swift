extension RestorePlan {
    /// The files of a plan, in the order they are laid down, each `File` built when it is read.
    ///
    /// A restore of 100,000 files must not keep 100,000 copies of their manifest entries and
    /// host paths for its whole run (about 400 bytes each). A planned file is one 12-byte
    /// `Record`: the position of its entry in the manifest, its mode, whether it replaces a
    /// file, and its owner and group as an index into a table of the distinct pairs. Its entry
    /// is read from the manifest and its host path resolved again (the same variables and
    /// mapping as when it was planned) whenever a `File` is built. A plan made of `File`
    /// values (`init(_:)`, tests) keeps them as they are.
    public struct Files: RandomAccessCollection, Sendable, ExpressibleByArrayLiteral {
        /// One planned file of a manifest-backed plan.
        struct Record: Sendable {
            /// Its entry's position in `manifest.entries`.
            var entry: Int32
            /// Index into `Packed.owners`.
            var owner: UInt32
            /// Permission bits it gets (special bits included).
            var permissions: UInt16
            /// A file is there already.
            var replaces: Bool
        }

        /// An owner and group pair, as `File.owner` and `File.group`.
        struct Owners: Hashable, Sendable {
            var owner: UInt32?
            var group: UInt32?
        }

        /// What a manifest-backed plan keeps: the manifest, how its targets resolve here, and one record per file.
        struct Packed: Sendable {
            let manifest: Manifest
            let variables: [String: String]
            let mapper: PathMapper
            /// In the manifest's scratch folder, like its entries.
            var records: PagedArray<Record>
            var owners: [Owners] = []
            /// How many records, at the end, are links (`Restorer.plan` puts them last).
            var linkCount = 0

            init(manifest: Manifest, variables: [String: String], mapper: PathMapper) {
                self.manifest = manifest
                self.variables = variables
                self.mapper = mapper
                records = PagedArray(spillingTo: manifest.entries.scratchFolder)
            }
        }

        private enum Storage: Sendable {
            case listed([File])
            case packed(Packed)
        }

        private var storage: Storage

        /// The given files, as they are.
        public init(_ files: [File]) {
            storage = .listed(files)
        }

        /// The given files, as they are.
        public init(arrayLiteral files: File...) {
            storage = .listed(files)
        }

        init(packed: Packed) {
            storage = .packed(packed)
        }

        public var startIndex: Int { 0 }

        public var endIndex: Int {
            switch storage {
            case .listed(let files): return files.count
            case .packed(let packed): return packed.records.count
            }
        }

        public subscript(position: Int) -> File {
            switch storage {
            case .listed(let files): return files[position]
            case .packed(let packed):
                let record = packed.records[position]
                let entry = packed.manifest.entries[Int(record.entry)]
                let resolved = (try? VariableResolver.expand(entry.target, with: packed.variables, context: entry.member)) ?? ""
                // The same resolution succeeded when the plan was made: it cannot fail now.
                let host = (try? packed.mapper.hostPath(for: resolved)) ?? ""
                let owners = packed.owners[Int(record.owner)]
                return File(
                    entry: entry, resolved: resolved, hostPath: host, permissions: UInt32(record.permissions), replaces: record.replaces,
                    owner: owners.owner, group: owners.group, entryPosition: Int(record.entry))
            }
        }

        /// The entry position, mode, owner and group of the file at `position`, without
        /// resolving its host path (what staging needs of each file, `StagedMetadata`).
        func ownerAndMode(at position: Int) -> (entry: Int?, permissions: UInt32, owner: UInt32?, group: UInt32?) {
            switch storage {
            case .listed(let files):
                let file = files[position]
                return (file.entryPosition, file.permissions, file.owner, file.group)
            case .packed(let packed):
                let record = packed.records[position]
                let owners = packed.owners[Int(record.owner)]
                return (Int(record.entry), UInt32(record.permissions), owners.owner, owners.group)
            }
        }

        /// The host path of the manifest entry at `position`, resolved as the plan resolved
        /// its files; nil for an entry without a target (an import's input) or a plan not made
        /// from a manifest.
        func hostPath(ofEntry position: Int) -> String? {
            guard case .packed(let packed) = storage else { return nil }
            return packed.hostPath(ofEntry: position)
        }

        /// How many of the files have bytes (are not links): the ones staging writes.
        var withBytesCount: Int {
            switch storage {
            case .listed(let files): return files.filter { $0.entry.link == nil }.count
            case .packed(let packed): return packed.records.count - packed.linkCount
            }
        }

        /// How many of the files replace one that is there.
        public var replacedCount: Int {
            switch storage {
            case .listed(let files): return files.filter(\.replaces).count
            case .packed(let packed): return packed.records.reduce(0) { $0 + ($1.replaces ? 1 : 0) }
            }
        }
    }
}

extension RestorePlan.Files.Packed {
    /// Plans the file of the entry at `position` with these resolved values.
    mutating func append(entry position: Int, permissions: UInt32, replaces: Bool, owners: RestorePlan.Files.Owners, index: inout [RestorePlan.Files.Owners: UInt32]) {
        let owner: UInt32
        if let known = index[owners] {
            owner = known
        } else {
            owner = UInt32(self.owners.count)
            self.owners.append(owners)
            index[owners] = owner
        }
        records.append(.init(entry: Int32(position), owner: owner, permissions: UInt16(truncatingIfNeeded: permissions), replaces: replaces))
    }

    /// The host path of the manifest entry at `position`, resolved with the plan's variables
    /// and mapping (the planning resolved it once already); nil for an entry without a target.
    func hostPath(ofEntry position: Int) -> String? {
        let entry = manifest.entries[position]
        guard !entry.target.isEmpty else { return nil }
        return try? mapper.hostPath(for: try VariableResolver.expand(entry.target, with: variables, context: entry.member))
    }
}
