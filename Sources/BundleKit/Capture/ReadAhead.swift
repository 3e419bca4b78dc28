import Foundation
import SystemPackage

/// Reads the sources' bytes on a thread of its own, a bounded distance ahead of the payload,
/// and hashes them there (SHA-256 of the plain content), so reading a cold disk and hashing
/// overlap with compression instead of taking turns with it on the thread that feeds it.
///
/// The files are read in the order given, each exactly its `lstat` size: a file that grew or
/// shrank meanwhile fails with `FileSystemError.changedWhileReading`, a file that cannot be
/// opened or read with its `FileSystemError`, both delivered in order where the file's bytes
/// would have been. Memory is one ring of `chunkSize × chunkCount` bytes allocated once,
/// whatever the files' sizes: the files' bytes follow one another in it (a piece is at most
/// `chunkSize`, and ends where the ring wraps), so small files fill it as densely as large
/// ones and many of them wait ready for the consumer (with a chunk per file, 16 files of 4 KiB
/// were all that was ever read ahead, and writer and reader took turns file by file). A
/// piece's bytes go back to the ring when the consumer asks for the next piece.
///
/// One consumer thread calls `next()`; `cancel()` (or the last file's end) stops the reader,
/// whose thread keeps the object alive until it has returned.
final class ReadAhead: @unchecked Sendable {
    /// What `next()` returns, for the file currently being consumed: some of its bytes, or
    /// its end with the digest of all its bytes when it was asked for.
    typealias Piece = Chunk

    /// One file to read.
    struct Request: Sendable {
        /// Where it is.
        var path: String
        /// How many bytes it must have.
        var size: Int64
        /// Whether the reader hashes it (not when the stored bytes are a ciphertext).
        var hashes: Bool
    }

    /// 128 KiB at most in one piece.
    static let chunkSize = 128 * 1024
    /// The ring holds 16 pieces' worth, 2 MiB in flight at most: enough to keep the compressor
    /// fed (the files behind it are asked for early, `openAhead`), where 8 MiB bought no time
    /// and cost 6 MiB of peak RSS.
    static let chunkCount = 16
    /// The ring's size.
    static let ringSize = chunkSize * chunkCount
    /// Pieces and ends waiting at most: 1,024 files of a few KiB (a few bytes each to queue).
    static let maximumQueued = 2048
    /// Files opened ahead of the one being read, their data asked for at once
    /// (`LocalFileSystem.willRead`): a cold disk then serves many small files in parallel
    /// instead of one seek at a time.
    static let openAhead = 32

    private enum Item {
        /// `count` bytes of the ring from `start`.
        case chunk(start: Int, count: Int)
        case end(String?)
        case failure(any Error)
    }

    private let condition = NSCondition()
    private let ring: UnsafeMutableRawBufferPointer
    /// Where the reader writes next, and where the oldest bytes not given back start.
    private var writeAt = 0
    private var readAt = 0
    /// Bytes of the ring queued or lent (from `readAt` on, wrapping).
    private var used = 0
    private var queue: [Item] = []
    private var head = 0
    /// The bytes of the piece the consumer holds.
    private var lent = 0
    private var cancelled = false
    /// Who waits on `condition` now, so that the other wakes it only then.
    private var readerWaits = false
    private var consumerWaits = false

    /// Starts reading `requests` at once.
    convenience init(_ requests: [Request]) {
        self.init(count: requests.count) { requests[$0] }
    }

    /// Starts reading at once the `count` files that `request` describes by position, each
    /// asked for when the reader comes near it, in order (0, 1, 2, ...: no list of paths is
    /// built up front, and a sequential source can answer); an error it throws is delivered
    /// where that file's bytes would have been.
    init(count: Int, request: @escaping @Sendable (Int) throws -> Request) {
        ring = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.ringSize, alignment: 16)
        let thread = Thread { [self] in read(fileCount: count, request: request) }
        thread.name = "bundle.read-ahead"
        thread.start()
    }

    deinit {
        ring.deallocate()
    }

    /// The next piece of the current file, waiting for the reader if needed; throws the
    /// error the reader met at this point.
    func next() throws -> Piece {
        condition.lock()
        defer { condition.unlock() }
        if lent > 0 {
            readAt = (readAt + lent) % Self.ringSize
            used -= lent
            lent = 0
        }
        while head == queue.count {
            consumerWaits = true
            condition.wait()
        }
        consumerWaits = false
        let item = queue[head]
        head += 1
        if head > 1024 {
            queue.removeFirst(head)
            head = 0
        }
        // Room or a queue slot was freed: wakes the reader if it waits for either.
        if readerWaits { condition.broadcast() }
        switch item {
        case .chunk(let start, let count):
            lent = count
            return .bytes(UnsafeRawBufferPointer(rebasing: ring[start..<(start + count)]))
        case .end(let digest):
            return .end(sha256: digest)
        case .failure(let error):
            throw error
        }
    }

    /// Stops the reader (files not consumed yet are not read further).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - The reader thread

    private func read(fileCount: Int, request: (Int) throws -> Request) {
        var probe: UInt8 = 0
        // The next files, asked for in order and opened early; no descriptor where opening
        // failed (the file is opened again in turn, and that error is the one delivered).
        var ahead: [(request: Request, file: FileDescriptor?)] = []
        var asked = 0
        // Where asking failed: delivered once the files before it are.
        var askFailure: (any Error)?
        defer { for entry in ahead { try? entry.file?.close() } }
        for _ in 0..<fileCount {
            do {
                while ahead.count <= Self.openAhead && asked < fileCount && askFailure == nil {
                    let next: Request
                    do {
                        next = try request(asked)
                    } catch {
                        askFailure = error
                        break
                    }
                    asked += 1
                    let file = try? LocalFileSystem.openForReading(next.path)
                    if let file { LocalFileSystem.willRead(file, size: next.size) }
                    ahead.append((next, file))
                }
                if ahead.isEmpty, let askFailure { throw askFailure }
                let (current, early) = ahead.removeFirst()
                let file = try early ?? LocalFileSystem.openForReading(current.path)
                defer { try? file.close() }
                var hasher = current.hashes ? SHA256Stream() : nil
                var remaining = current.size
                while remaining > 0 {
                    guard let room = takeRoom() else { return }
                    let want = Int(min(Int64(min(room.count, Self.chunkSize)), remaining))
                    let buffer = UnsafeMutableRawBufferPointer(rebasing: ring[room.lowerBound..<(room.lowerBound + want)])
                    let count = try LocalFileSystem.readFully(file, into: buffer, path: current.path)
                    guard count > 0 else {
                        throw FileSystemError.changedWhileReading(path: current.path, expected: current.size)
                    }
                    hasher?.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    guard put(.chunk(start: room.lowerBound, count: count), bytes: count) else { return }
                    remaining -= Int64(count)
                }
                let extra = try withUnsafeMutableBytes(of: &probe) { try LocalFileSystem.readFully(file, into: $0, path: current.path) }
                if extra != 0 { throw FileSystemError.changedWhileReading(path: current.path, expected: current.size) }
                guard put(.end(hasher?.hex())) else { return }
            } catch {
                _ = put(.failure(error))
                return
            }
        }
    }

    /// The free bytes of the ring from where the reader writes next up to where it wraps or
    /// reaches bytes not given back, waiting for some; nil once cancelled. Only the reader
    /// takes room, so it stays free until `put` hands it on.
    private func takeRoom() -> Range<Int>? {
        condition.lock()
        defer { condition.unlock() }
        while used == Self.ringSize && !cancelled {
            readerWaits = true
            condition.wait()
        }
        readerWaits = false
        if cancelled { return nil }
        if used == 0 {
            // Empty: start again at the front, for the longest run of room.
            writeAt = 0
            readAt = 0
        }
        return writeAt..<(writeAt < readAt ? readAt : Self.ringSize)
    }

    /// Queues an item, waiting while the queue is full; false once cancelled.
    /// `bytes`: the piece's, taken from the ring at `writeAt`.
    private func put(_ item: Item, bytes: Int = 0) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= Self.maximumQueued && !cancelled {
            readerWaits = true
            condition.wait()
        }
        readerWaits = false
        if cancelled { return false }
        if bytes > 0 {
            writeAt = (writeAt + bytes) % Self.ringSize
            used += bytes
        }
        queue.append(item)
        if consumerWaits { condition.broadcast() }
        return true
    }
}
