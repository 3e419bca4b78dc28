import Dispatch

/// Follows the framing of a plain tar stream byte by byte, beside the real tar parser, and
/// keeps what that parser does not look at: each member's raw header bytes (pax extended
/// header blocks and the ustar block, exactly as stored), so that a verifier can compare them
/// with the writer's encoding, and checks the bytes no header or digest covers: the zero
/// padding after each member's data, the two end-of-archive blocks, and that nothing follows
/// them.
///
/// Fed in stream order (`feed`, then `finish` at the end of the stream) on one thread; headers
/// are taken (`take`) on another, in the order the tar parser returns its entries. After the
/// first deviation it records one problem and stops looking: what follows may be out of step.
public final class TarLayout: @unchecked Sendable {
    /// One member's header bytes as stored, and where they start in the tar stream.
    public struct Header: Sendable {
        public let offset: Int64
        public let bytes: [UInt8]
        /// The member's name as the header stores it (the pax `path` record, else the ustar
        /// name), for messages.
        public let name: String
    }

    /// A deviation from the writer's layout, in bytes of the (uncompressed) tar stream.
    public struct Problem: Sendable, Equatable {
        /// The member the bytes belong to or follow, when there is one.
        public let member: String?
        public let range: Range<Int64>
        public let reason: String
    }

    private enum State {
        /// Collecting a 512-byte header block (`block` holds what came so far).
        case header
        /// Collecting `remaining` more bytes of an extended header's data (pax `x`/`g`, GNU
        /// `L`/`K`), then its padding, into the member's header bytes.
        case extended(remaining: Int64)
        /// Skipping `remaining` bytes of member data.
        case data(remaining: Int64)
        /// `remaining` bytes of padding after member data, which must be zeros.
        case padding(remaining: Int64)
        /// After `blocks` zero blocks of the end-of-archive marker (1 or 2).
        case end(blocks: Int)
        /// Stopped after a problem.
        case lost
    }

    private var state = State.header
    private var position: Int64 = 0
    private var block: [UInt8] = []
    private var blockStart: Int64 = 0
    private var pending: [UInt8] = []
    private var pendingStart: Int64 = 0
    private var paxSize: Int64?
    private var paxPath: String?
    private var lastName: String?
    private var extendedSize: Int64 = 0

    private let lock = DispatchQueue(label: "bundle.tar-layout")
    private var queue: [Header] = []
    private var queueHead = 0
    private var found: Problem?

    public init() {}

    /// The first deviation found so far, if any.
    public var problem: Problem? {
        lock.sync { found }
    }

    /// The next member's header, in stream order; nil when none was recorded (the layout
    /// stopped at a problem, or the parser is ahead of what was fed).
    public func take() -> Header? {
        lock.sync {
            guard queueHead < queue.count else { return nil }
            let header = queue[queueHead]
            queueHead += 1
            if queueHead > 256 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            return header
        }
    }

    /// The next bytes of the stream.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            switch state {
            case .lost:
                position += Int64(bytes.count - index)
                return
            case .data(let remaining):
                let step = Int(min(Int64(bytes.count - index), remaining))
                index += step
                position += Int64(step)
                state = remaining - Int64(step) > 0 ? .data(remaining: remaining - Int64(step)) : afterData()
            case .padding(let remaining):
                let step = Int(min(Int64(bytes.count - index), remaining))
                if let bad = (index..<index + step).first(where: { bytes[$0] != 0 }) {
                    fail(Problem(member: lastName, range: position + Int64(bad - index)..<position + Int64(step), reason: "the padding after the member's data is not zeros"))
                    return
                }
                index += step
                position += Int64(step)
                state = remaining - Int64(step) > 0 ? .padding(remaining: remaining - Int64(step)) : .header
            case .header, .extended, .end:
                let step = min(bytes.count - index, 512 - block.count)
                if block.isEmpty { blockStart = position }
                block.append(contentsOf: bytes[index..<index + step])
                index += step
                position += Int64(step)
                if block.count == 512 {
                    let full = block
                    block.removeAll(keepingCapacity: true)
                    take(block: full)
                }
            }
        }
    }

    /// The stream has ended: it must have ended just after the end-of-archive blocks.
    public func finish() {
        switch state {
        case .lost: return
        case .end(let blocks) where blocks == 2 && block.isEmpty: return
        case .end(let blocks) where blocks == 2:
            fail(Problem(member: lastName, range: position - Int64(block.count)..<position, reason: "bytes follow the end-of-archive blocks"))
        default:
            fail(Problem(member: lastName, range: position..<position, reason: "the tar stream ends without its two end-of-archive blocks"))
        }
    }

    // MARK: -

    private func afterData() -> State {
        let padding = (512 - position % 512) % 512
        return padding > 0 ? .padding(remaining: padding) : .header
    }

    private func take(block: [UInt8]) {
        switch state {
        case .end(let blocks):
            if blocks == 2 || block.contains(where: { $0 != 0 }) {
                let reason = blocks == 2 ? "bytes follow the end-of-archive blocks" : "the second end-of-archive block is not zeros"
                let bad = block.firstIndex(where: { $0 != 0 }) ?? 0
                fail(Problem(member: lastName, range: blockStart + Int64(bad)..<blockStart + 512, reason: reason))
                return
            }
            state = .end(blocks: 2)
        case .extended(let remaining):
            pending += block
            let left = remaining - 512
            if left > 0 {
                state = .extended(remaining: left)
            } else {
                readExtended()
                state = .header
            }
        case .header:
            if pending.isEmpty && !block.contains(where: { $0 != 0 }) {
                state = .end(blocks: 1)
                return
            }
            if pending.isEmpty { pendingStart = blockStart }
            pending += block
            let type = block[156]
            guard let size = Self.number(block[124..<136]) else {
                fail(Problem(member: lastName, range: blockStart + 124..<blockStart + 136, reason: "the size field is not a number"))
                return
            }
            if [UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K")].contains(type) {
                guard size > 0 else { state = .header; return }
                extendedSize = size
                state = .extended(remaining: (size + 511) / 512 * 512)
                return
            }
            let name = paxPath ?? Self.text(block[0..<100])
            let header = Header(offset: pendingStart, bytes: pending, name: name)
            lock.sync { queue.append(header) }
            lastName = name
            let dataSize = paxSize ?? size
            pending = []
            paxSize = nil
            paxPath = nil
            state = dataSize > 0 ? .data(remaining: dataSize) : .header
        default:
            break
        }
    }

    /// Picks `size` and `path` from the pax records just collected (the last header block's
    /// data at the end of `pending`).
    private func readExtended() {
        let dataStart = pending.count - (Int(extendedSize) + 511) / 512 * 512
        let records = pending[dataStart..<dataStart + Int(extendedSize)]
        let type = pending[dataStart - 512 + 156]
        guard type == UInt8(ascii: "x") else { return }
        var index = records.startIndex
        while index < records.endIndex {
            guard let space = records[index...].firstIndex(of: 0x20),
                let length = Int(String(decoding: records[index..<space], as: UTF8.self)), length > 0,
                index + length <= records.endIndex
            else { return }
            let record = records[(space + 1)..<(index + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[..<equals], as: UTF8.self)
                let value = String(decoding: record[(equals + 1)...], as: UTF8.self)
                if key == "size" { paxSize = Int64(value) }
                if key == "path" { paxPath = value }
            }
            index += length
        }
    }

    private func fail(_ problem: Problem) {
        state = .lost
        lock.sync { if found == nil { found = problem } }
    }

    /// An octal tar number field (or base-256 when its first byte has the high bit).
    private static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x3F)
            for byte in field.dropFirst() {
                guard value < (1 << 55) else { return nil }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var digits = 0
        for byte in field {
            if byte == 0 || byte == 0x20 {
                if digits > 0 { break } else { continue }
            }
            guard (0x30...0x37).contains(byte), value < (1 << 60) else { return nil }
            value = value * 8 + Int64(byte - 0x30)
            digits += 1
        }
        return value
    }

    private static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
