import Crypto
import Foundation

/// Decrypts a stream: feed ciphertext with `write`, plaintext leaves through `output` only after
/// each chunk authenticated; `finish` throws if the stream was truncated.
///
/// Memory stays at about two sealed chunks (64 KiB + 16 each) plus the header: a full chunk is
/// opened only once a following byte, or `finish`, tells whether it is the last. The identities or
/// passphrase are dropped once the file key is found; the payload key and buffers are wiped at
/// the end, on error, or when the decryptor goes away.
public final class AgeDecryptor {
    /// The highest scrypt work factor (log2 N) accepted in passphrase files. Each step doubles
    /// time and memory; 22 (4 GiB) is age's own limit. Set before the header is written.
    public var maxWorkFactor: Int = AgeScrypt.defaultMaxWorkFactor

    /// How far back from its end a failing short last chunk is re-tried, to report appended
    /// bytes as `trailingData` rather than as an authentication failure.
    static let trailingProbeLimit = 1024

    private enum Phase { case header, nonce, payload, done }

    private let output: (UnsafeRawBufferPointer) throws -> Void
    private var unlock: AgeUnlock?
    private var phase = Phase.header
    private var headerBuffer: [UInt8] = []
    private var lineStart = 0
    private var fileKey: SymmetricKey?
    private var nonce: [UInt8] = []
    private var stream: AgeStream?
    private var chunk: [UInt8] = []
    private var previousPlaintext = Data()

    /// Prepares to decrypt with `unlock`; plaintext leaves through `output`, chunk by chunk.
    public init(unlock: AgeUnlock, output: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.unlock = unlock
        self.output = output
    }

    deinit {
        AgeMemory.wipe(&chunk)
    }

    /// Adds ciphertext. Throws as soon as the header or a chunk is known to be bad.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard phase != .done else { throw AgeError.alreadyFinished }
        do {
            var input = bytes[...]
            if phase == .header { try readHeader(&input) }
            if phase == .nonce { try readNonce(&input) }
            if phase == .payload { try readPayload(&input) }
        } catch {
            close()
            throw error
        }
    }

    /// Ends the input: opens the last chunk, or throws if the file stops short.
    public func finish() throws {
        guard phase != .done else { throw AgeError.alreadyFinished }
        defer { close() }
        switch phase {
        case .header:
            throw headerBuffer.isEmpty
                ? AgeError.truncated("the input is empty") : AgeError.truncated("it ends inside the header")
        case .nonce:
            throw AgeError.truncated("it ends inside the payload nonce that follows the header")
        case .payload:
            try openLast()
        case .done:
            break
        }
    }

    // MARK: Header

    private func readHeader(_ input: inout Slice<UnsafeRawBufferPointer>) throws {
        while phase == .header && !input.isEmpty {
            let lineEnd = input.firstIndex(of: 0x0A)
            let piece = input[..<(lineEnd.map { $0 + 1 } ?? input.endIndex)]
            if headerBuffer.count < 1100 {
                // Decide from the first bytes whether this can be an age file before buffering much.
                try AgeHeader.checkPrefix(
                    ArraySlice(headerBuffer + piece.prefix(1100 - headerBuffer.count)))
            }
            guard headerBuffer.count + piece.count <= AgeHeader.maximumSize else {
                throw AgeError.headerTooLarge(limit: AgeHeader.maximumSize)
            }
            headerBuffer.append(contentsOf: piece)
            input = input[piece.endIndex...]
            guard lineEnd != nil else { break }
            let isMACLine = lineStart > 0 && headerBuffer[lineStart...].starts(with: Array("---".utf8))
            lineStart = headerBuffer.count
            if isMACLine { try openHeader() }
        }
    }

    private func openHeader() throws {
        let (header, macInput) = try AgeHeader.parse(headerBuffer[...])
        try header.validate()
        let fileKey = try unwrapFileKey(header)
        guard header.verifyMAC(over: macInput, fileKey: fileKey) else {
            throw AgeError.headerMACMismatch
        }
        self.fileKey = fileKey
        unlock = nil
        headerBuffer = []
        phase = .nonce
    }

    private func unwrapFileKey(_ header: AgeHeader) throws -> SymmetricKey {
        switch unlock {
        case .identities(let identities):
            guard !identities.isEmpty else { throw AgeError.noIdentities }
            if header.stanzas.contains(where: { $0.type == AgeScrypt.stanzaType }) {
                throw AgeError.passphraseRequired
            }
            for stanza in header.stanzas where stanza.type == AgeRecipient.stanzaType {
                for identity in identities {
                    if let fileKey = try identity.unwrap(stanza) { return fileKey }
                }
            }
            throw AgeError.noIdentityMatched(stanzaTypes: header.stanzaTypes)
        case .passphrase(let passphrase):
            guard let stanza = header.stanzas.first(where: { $0.type == AgeScrypt.stanzaType }) else {
                throw AgeError.notPassphraseEncrypted(stanzaTypes: header.stanzaTypes)
            }
            return try AgeScrypt.unwrap(stanza, passphrase: passphrase, maxWorkFactor: maxWorkFactor)
        case nil:
            throw AgeError.alreadyFinished
        }
    }

    // MARK: Payload

    private func readNonce(_ input: inout Slice<UnsafeRawBufferPointer>) throws {
        let take = min(AgeStream.nonceSize - nonce.count, input.count)
        nonce.append(contentsOf: input.prefix(take))
        input = input.dropFirst(take)
        guard nonce.count == AgeStream.nonceSize, let fileKey else { return }
        stream = AgeStream(fileKey: fileKey, nonce: nonce)
        self.fileKey = nil
        chunk.reserveCapacity(AgeStream.sealedChunkSize)
        phase = .payload
    }

    private func readPayload(_ input: inout Slice<UnsafeRawBufferPointer>) throws {
        while !input.isEmpty {
            if chunk.count == AgeStream.sealedChunkSize {
                try openFull(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
            if chunk.isEmpty && input.count > AgeStream.sealedChunkSize {
                // More than a chunk is at hand, so this one is not the last: open it in place.
                let end = input.startIndex + AgeStream.sealedChunkSize
                try openFull(UnsafeRawBufferPointer(rebasing: input[..<end]))
                input = input[end...]
                continue
            }
            let take = min(input.count, AgeStream.sealedChunkSize - chunk.count)
            chunk.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
        }
    }

    /// Opens a full chunk that more bytes follow, so it must not be the last.
    private func openFull(_ sealed: some DataProtocol) throws {
        guard let stream else { throw AgeError.alreadyFinished }
        let index = Int(stream.counter)
        guard var plaintext = stream.open(sealed, last: false) else {
            if stream.open(sealed, last: true) != nil { throw AgeError.trailingData }
            throw AgeError.chunkAuthenticationFailed(chunk: index)
        }
        stream.advance()
        try emit(&plaintext)
    }

    /// Opens what is left at the end of the input, which must be the last chunk.
    private func openLast() throws {
        guard let stream else { throw AgeError.alreadyFinished }
        let index = Int(stream.counter)
        if chunk.isEmpty {
            throw AgeError.truncated(
                index == 0
                    ? "the payload is missing after the header"
                    : "it ends after chunk \(index - 1), before the last chunk")
        }
        guard chunk.count >= AgeStream.tagSize else {
            throw AgeError.truncated("it ends inside chunk \(index)")
        }
        if var plaintext = stream.open(chunk, last: true) {
            if plaintext.isEmpty && index > 0 { throw AgeError.emptyLastChunk }
            try emit(&plaintext)
            return
        }
        if chunk.count == AgeStream.sealedChunkSize && stream.open(chunk, last: false) != nil {
            throw AgeError.truncated("it ends after chunk \(index), before the last chunk")
        }
        let shortest = max(
            AgeStream.tagSize + (index > 0 ? 1 : 0), chunk.count - Self.trailingProbeLimit)
        if shortest < chunk.count {
            for length in stride(from: chunk.count - 1, through: shortest, by: -1)
            where stream.open(chunk[..<length], last: true) != nil {
                throw AgeError.trailingData
            }
        }
        throw AgeError.chunkAuthenticationFailed(chunk: index)
    }

    private func emit(_ plaintext: inout Data) throws {
        defer {
            plaintext.resetBytes(in: 0..<plaintext.count)
            // Kept (wiped) until the next chunk, for the reason given at AgeStream.previousSealed.
            previousPlaintext = plaintext
        }
        try plaintext.withUnsafeBytes { try output($0) }
    }

    private func close() {
        phase = .done
        unlock = nil
        fileKey = nil
        stream?.close()
        stream = nil
        AgeMemory.wipe(&chunk)
        chunk = []
        headerBuffer = []
        previousPlaintext = Data()
    }
}
