import Foundation

/// Encodes any `Encodable` into a `JSONValue` the way `JSONEncoder` would, except that an
/// optional property that is nil becomes `null` instead of being left out: `--json` documents
/// always carry every key their schema lists (Formats/json-output.md), absent values as null.
/// Synthesized conformances call `encodeIfPresent` for optionals; this encoder's keyed
/// container writes `null` there. Dates are ISO 8601 strings, `Data` base64.
enum NullKeepingEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try encode(value, streaming: nil)
    }

    /// Encodes `value`, leaving each non-empty `StreamedJSONArray` in it as a placeholder
    /// string that `streams` names (`JSONStream` writes the array there, one element at a time).
    static func encode<T: Encodable>(_ value: T, streaming streams: StreamedArrays?) throws -> JSONValue {
        let root = Node()
        try Coder(node: root, codingPath: [], streams: streams).encodeValue(value)
        return root.value
    }

    /// A place in the tree being built, filled in by a container.
    final class Node {
        enum Content {
            case empty
            case leaf(JSONValue)
            case array([Node])
            case object([String: Node])
        }

        var content = Content.empty

        var value: JSONValue {
            switch content {
            case .empty: return .object([:])
            case .leaf(let value): return value
            case .array(let nodes): return .array(nodes.map(\.value))
            case .object(let members): return .object(members.mapValues(\.value))
            }
        }

        func child(for key: String) -> Node {
            let node = Node()
            if case .object(var members) = content {
                // Emptied first, so the copy taken out is the only one and grows in place
                // (else every member added would copy all the ones before it).
                content = .empty
                members[key] = node
                content = .object(members)
            } else {
                content = .object([key: node])
            }
            return node
        }

        func appended() -> Node {
            let node = Node()
            if case .array(var nodes) = content {
                // Emptied first, so the copy taken out is the only one and grows in place:
                // appending to a copy still held by `content` copied every element before it,
                // quadratic in the length (`restore --json` of 100,000 files: 140 s).
                content = .empty
                nodes.append(node)
                content = .array(nodes)
            } else {
                content = .array([node])
            }
            return node
        }
    }

    struct Coder: Encoder {
        let node: Node
        var codingPath: [CodingKey]
        /// Where streamed arrays go; nil: encoded in place like any array.
        var streams: StreamedArrays?
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .object = node.content {} else { node.content = .object([:]) }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath, streams: streams))
        }

        func unkeyedContainer() -> UnkeyedEncodingContainer {
            if case .array = node.content {} else { node.content = .array([]) }
            return Unkeyed(node: node, codingPath: codingPath, streams: streams)
        }

        func singleValueContainer() -> SingleValueEncodingContainer { Single(node: node, codingPath: codingPath, streams: streams) }

        /// Values `JSONEncoder` treats specially; everything else encodes itself.
        func encodeValue<T: Encodable>(_ value: T) throws {
            switch value {
            case let date as Date: node.content = .leaf(.string(ISO8601DateFormatter().string(from: date)))
            case let data as Data: node.content = .leaf(.string(data.base64EncodedString()))
            case let url as URL: node.content = .leaf(.string(url.absoluteString))
            case let decimal as Decimal: node.content = .leaf(.double(NSDecimalNumber(decimal: decimal).doubleValue))
            case let array as any StreamedJSONArray where streams != nil:
                // An empty one stays in the tree: the encoder's own text for `[]`.
                node.content = .leaf(array.isEmptyArray ? .array([]) : .string(streams!.placeholder(for: array)))
            default: try value.encode(to: self)
            }
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [CodingKey]
        var streams: StreamedArrays?

        private func set(_ value: JSONValue, _ key: Key) { node.child(for: key.stringValue).content = .leaf(value) }

        mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { set(.double(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { set(.double(Double(value)), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(.integer(Int64(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(.integer(Int64(value)), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(.integer(Int64(value)), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(.integer(Int64(value)), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(.integer(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.unsigned(UInt64(value)), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.unsigned(value), key) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try Coder(node: node.child(for: key.stringValue), codingPath: codingPath + [key], streams: streams).encodeValue(value)
        }

        // The point of this encoder: nil is written, not skipped.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, key) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try encodeOptional(value, key) }

        private mutating func encodeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
            guard let value else { return set(.null, key) }
            try encode(value, forKey: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            Coder(node: node.child(for: key.stringValue), codingPath: codingPath + [key], streams: streams).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            Coder(node: node.child(for: key.stringValue), codingPath: codingPath + [key], streams: streams).unkeyedContainer()
        }

        mutating func superEncoder() -> Encoder { Coder(node: node.child(for: "super"), codingPath: codingPath, streams: streams) }
        mutating func superEncoder(forKey key: Key) -> Encoder { Coder(node: node.child(for: key.stringValue), codingPath: codingPath + [key], streams: streams) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [CodingKey]
        var streams: StreamedArrays?
        var count: Int {
            if case .array(let nodes) = node.content { return nodes.count }
            return 0
        }

        mutating func encodeNil() throws { node.appended().content = .leaf(.null) }
        mutating func encode(_ value: Bool) throws { node.appended().content = .leaf(.bool(value)) }
        mutating func encode(_ value: String) throws { node.appended().content = .leaf(.string(value)) }
        mutating func encode(_ value: Double) throws { node.appended().content = .leaf(.double(value)) }
        mutating func encode(_ value: Float) throws { node.appended().content = .leaf(.double(Double(value))) }
        mutating func encode(_ value: Int) throws { node.appended().content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int8) throws { node.appended().content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int16) throws { node.appended().content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int32) throws { node.appended().content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int64) throws { node.appended().content = .leaf(.integer(value)) }
        mutating func encode(_ value: UInt) throws { node.appended().content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { node.appended().content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { node.appended().content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { node.appended().content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { node.appended().content = .leaf(.unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try Coder(node: node.appended(), codingPath: codingPath, streams: streams).encodeValue(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            Coder(node: node.appended(), codingPath: codingPath, streams: streams).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            Coder(node: node.appended(), codingPath: codingPath, streams: streams).unkeyedContainer()
        }

        mutating func superEncoder() -> Encoder { Coder(node: node.appended(), codingPath: codingPath, streams: streams) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [CodingKey]
        var streams: StreamedArrays?

        mutating func encodeNil() throws { node.content = .leaf(.null) }
        mutating func encode(_ value: Bool) throws { node.content = .leaf(.bool(value)) }
        mutating func encode(_ value: String) throws { node.content = .leaf(.string(value)) }
        mutating func encode(_ value: Double) throws { node.content = .leaf(.double(value)) }
        mutating func encode(_ value: Float) throws { node.content = .leaf(.double(Double(value))) }
        mutating func encode(_ value: Int) throws { node.content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int8) throws { node.content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int16) throws { node.content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int32) throws { node.content = .leaf(.integer(Int64(value))) }
        mutating func encode(_ value: Int64) throws { node.content = .leaf(.integer(value)) }
        mutating func encode(_ value: UInt) throws { node.content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { node.content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { node.content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { node.content = .leaf(.unsigned(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { node.content = .leaf(.unsigned(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try Coder(node: node, codingPath: codingPath, streams: streams).encodeValue(value)
        }
    }
}
