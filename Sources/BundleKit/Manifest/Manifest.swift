import Foundation

/// `MANIFEST.json`: everything restore needs to know, covered by the signature through
/// its line in `SHA256SUMS`. Encoded deterministically (sorted keys, entries sorted by
/// member) so that two captures of the same state diff cleanly.
public struct Manifest: Codable, Sendable, Equatable {
    /// The tool that wrote the bundle.
    public struct Tool: Codable, Sendable, Equatable {
        /// Always `bundle`.
        public var name: String
        /// Its version.
        public var version: String
    }

    /// The machine the bundle was captured on.
    public struct Source: Codable, Sendable, Equatable {
        /// Host name.
        public var host: String
        /// Operating system family.
        public var os: OSFamily
    }

    /// The profile that described the capture, embedded so restore needs no copy of it.
    public struct ProfileRecord: Codable, Sendable, Equatable {
        /// Profile id.
        public var id: String
        /// Product name.
        public var name: String
        /// Profile schema version.
        public var version: Int
        /// Lowercase hex SHA-256 of `text`.
        public var sha256: String
        /// The profile's YAML as it was read.
        public var text: String
    }

    /// Format version; readers refuse a higher one than `BundleLayout.formatVersion`.
    public var version: Int
    /// Writer.
    public var tool: Tool
    /// Creation time, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    public var created: String
    /// Source machine.
    public var source: Source
    /// Profile used.
    public var profile: ProfileRecord
    /// Every variable as resolved on the source.
    public var variables: [String: String]
    /// The `--var` values given at capture; restore applies them again on the same OS unless overridden.
    public var overrides: [String: String]
    /// The `--set` values given at capture (rewrite values); restore applies them unless overridden.
    public var settings: [String: String]
    /// Payload entries, sorted by member.
    public var entries: ManifestEntries
    /// Every folder under a `directory` item, sorted by target (a folder before what it
    /// holds); absent in bundles made before folders were kept, and when there are none.
    public var folders: [FolderEntry]?
    /// Optional items that were not found on the source, by id.
    public var skippedItems: [String]
    /// SHA-256 of each `never-copy` file found on the source, by item id: no raw member may
    /// have this content (verify checks).
    public var neverCopy: [String: String]
    /// The restore plan the profile implies, in order.
    public var plan: [String]
    /// Manual steps left to the administrator after restore.
    public var checklist: [String]

    private enum CodingKeys: String, CodingKey {
        case version, tool, created, source, profile, variables, overrides, settings, entries, folders, skippedItems, neverCopy, plan, checklist
    }

    /// Decodes a manifest; keys added after the first release of format 1 may be absent.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        tool = try container.decode(Tool.self, forKey: .tool)
        created = try container.decode(String.self, forKey: .created)
        source = try container.decode(Source.self, forKey: .source)
        profile = try container.decode(ProfileRecord.self, forKey: .profile)
        variables = try container.decodeIfPresent([String: String].self, forKey: .variables) ?? [:]
        overrides = try container.decodeIfPresent([String: String].self, forKey: .overrides) ?? [:]
        settings = try container.decodeIfPresent([String: String].self, forKey: .settings) ?? [:]
        entries = try container.decode(ManifestEntries.self, forKey: .entries)
        folders = try container.decodeIfPresent([FolderEntry].self, forKey: .folders)
        skippedItems = try container.decodeIfPresent([String].self, forKey: .skippedItems) ?? []
        neverCopy = try container.decodeIfPresent([String: String].self, forKey: .neverCopy) ?? [:]
        plan = try container.decodeIfPresent([String].self, forKey: .plan) ?? []
        checklist = try container.decodeIfPresent([String].self, forKey: .checklist) ?? []
    }

    /// A manifest from its parts.
    public init(
        version: Int, tool: Tool, created: String, source: Source, profile: ProfileRecord, variables: [String: String],
        overrides: [String: String], settings: [String: String] = [:], entries: [ManifestEntry], skippedItems: [String],
        neverCopy: [String: String] = [:], plan: [String], checklist: [String]
    ) {
        self.version = version
        self.tool = tool
        self.created = created
        self.source = source
        self.profile = profile
        self.variables = variables
        self.overrides = overrides
        self.settings = settings
        self.entries = ManifestEntries(entries)
        self.skippedItems = skippedItems
        self.neverCopy = neverCopy
        self.plan = plan
        self.checklist = checklist
    }

    /// The deterministic JSON text of the manifest.
    ///
    /// The bytes are exactly what `JSONEncoder` (sorted keys, pretty printed, slashes
    /// unescaped) gives for the whole manifest, but the entries are encoded one at a time and
    /// spliced into the `"entries"` array: encoding 50,000 entries at once builds the
    /// encoder's intermediate tree for all of them, several KiB per entry, only to flatten it.
    /// (Capture does not hold its entries at all: `ManifestSpool` splices them from a file.)
    public func encoded() throws -> Data {
        guard !entries.isEmpty else {
            var data = try Self.encoder().encode(self)
            data.append(0x0a)
            return data
        }
        let (head, tail) = try encodedAroundEntries()
        let encoder = Self.encoder()
        var data = head
        data.append(contentsOf: "[".utf8)
        for (position, index) in entries.indices.sorted(by: entries.memberPrecedes).enumerated() {
            data.append(try Self.indentedEntry(entries[index], first: position == 0, encoder: encoder))
        }
        data.append(contentsOf: Self.entriesEnd.utf8)
        data.append(tail)
        return data
    }

    /// The encoder of the manifest and of each of its entries.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    /// What closes a non-empty `"entries"` array: a line break and the array's indentation.
    static let entriesEnd = "\n  ]"

    /// One entry as it stands in the manifest's `"entries"` array, after the array's `[`
    /// (`first`) or after the entry before it: a separator, then its lines indented two levels.
    /// (A folder stands in `"folders"` the same way.)
    static func indentedEntry(_ entry: some Encodable, first: Bool, encoder: JSONEncoder) throws -> Data {
        var out = Data((first ? "\n" : ",\n").utf8)
        // Each of the entry's lines moves four spaces to the right (a newline inside a value
        // is written as `\n`, so every raw newline is a line break).
        let encoded = try encoder.encode(entry)
        var start = encoded.startIndex
        while let newline = encoded[start...].firstIndex(of: 0x0a) {
            out.append(contentsOf: "    ".utf8)
            out.append(encoded[start...newline])
            start = newline + 1
        }
        out.append(contentsOf: "    ".utf8)
        out.append(encoded[start...])
        return out
    }

    /// The manifest encoded without entries, cut where its `"entries"` array goes: the bytes
    /// before the array's `[` and those after its `]`, for the entries to be spliced between.
    func encodedAroundEntries() throws -> (head: Data, tail: Data) {
        var shell = self
        shell.entries = []
        var data = try Self.encoder().encode(shell)
        data.append(0x0a)
        // A top-level key sits after a newline and two spaces; inside a JSON string a quote is
        // escaped, so this cannot match string content. The empty array ends at the next `]`.
        let key = Data("\n  \"entries\" : [".utf8)
        guard let found = data.range(of: key), let close = data[found.upperBound...].firstIndex(of: UInt8(ascii: "]")) else {
            throw EncodingError.invalidValue(entries, .init(codingPath: [CodingKeys.entries], debugDescription: "no entries array in the encoded manifest"))
        }
        return (Data(data[..<(found.upperBound - 1)]), Data(data[(close + 1)...]))
    }

    /// Parses `MANIFEST.json`, refusing a format version this build does not know and, before
    /// decoding, JSON nested deeper than `maximumDepth`. The entries are read by
    /// `ManifestScanner`, one at a time; the rest, small, by `JSONDecoder`.
    public static func decode(_ data: Data, maximumDepth: Int = VerifyLimits.standard.maximumManifestDepth) throws(ManifestError) -> Manifest {
        let result = data.withUnsafeBytes { bytes in Result { () throws(ManifestError) in try decode(bytes, maximumDepth: maximumDepth) } }
        return try result.get()
    }

    /// Parses `MANIFEST.json` from `bytes` as `decode(_:maximumDepth:)` does, telling `release`
    /// now and then how far each pass got (the bytes behind need not stay in memory), and
    /// `decoded` how far the decoding pass (the last, and the long one) got, for progress. The
    /// entries' tables move to scratch files in `scratchFolder`, if given, as they grow.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, maximumDepth: Int = VerifyLimits.standard.maximumManifestDepth, release: (Int) -> Void = { _ in },
        decoded: (Int) -> Void = { _ in }, scratchFolder: String? = nil
    ) throws(ManifestError) -> Manifest {
        if JSONDepth.exceeds(bytes, limit: maximumDepth, release: release) { throw .tooDeeplyNested(limit: maximumDepth) }
        let result = withoutActuallyEscaping(release) { release in
            withoutActuallyEscaping(decoded) { decoded in
                Result { () throws(ManifestError) in try scan(bytes, release: release, decoded: decoded, scratchFolder: scratchFolder) }
            }
        }
        return try result.get()
    }

    /// The outline, then the entries, of a manifest whose depth was checked.
    private static func scan(
        _ bytes: UnsafeRawBufferPointer, release: @escaping (Int) -> Void, decoded: @escaping (Int) -> Void = { _ in }, scratchFolder: String?
    ) throws(ManifestError) -> Manifest {
        var scanner = ManifestScanner(bytes, release: release)
        scanner.decoded = decoded
        scanner.scratchFolder = scratchFolder
        do {
            let outline = try scanner.outline()
            let version = outline.version ?? 1
            guard version <= BundleLayout.formatVersion else {
                throw ManifestError.unsupportedVersion(found: version, supported: BundleLayout.formatVersion)
            }
            guard let range = outline.entries else {
                return try JSONDecoder().decode(Manifest.self, from: Data(bytes))
            }
            var shell = Data(bytes[..<range.lowerBound])
            shell.append(contentsOf: "[]".utf8)
            shell.append(contentsOf: bytes[range.upperBound...])
            var manifest = try JSONDecoder().decode(Manifest.self, from: shell)
            manifest.entries = try scanner.entries(in: range, count: outline.entryCount)
            return manifest
        } catch let error as ManifestError {
            throw error
        } catch {
            throw .malformedManifest(String(describing: error), cause: ErrorCause(error))
        }
    }

    /// The one-line trusted comment signed with `SHA256SUMS`: it binds the signature to this
    /// product, profile, source host and time, so a bundle cannot be passed off as another.
    public var trustedComment: String {
        func clean(_ text: String) -> String {
            String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        }
        return "bundle v\(version) product=\"\(clean(profile.name))\" profile=\(clean(profile.id))"
            + " host=\(clean(source.host)) created=\(created)"
    }
}
