import Foundation
import SystemPackage

/// Reads the sources' bytes on a thread of its own, a bounded distance ahead of the payload,
/// and hashes them there (SHA-256 of the plain content), so reading a cold disk and hashing
/// overlap with compression instead of taking turns with it on the thread that feeds it.
///
/// The files are read in the order given, each exactly its `lstat` size: a file that grew or
/// shrank meanwhile fails with `FileSystemError.changedWhileReading`, a file that cannot be
/// opened or read with its `FileSystemError`, both delivered in order where the file's bytes
/// would have been. Memory is a fixed pool of `chunkCount` chunks of `chunkSize` bytes
/// allocated once, whatever the files' sizes; a chunk goes back to the pool when the consumer
/// asks for the next piece.
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

    /// 128 KiB, what the gzip compressor takes as one block.
    static let chunkSize = 128 * 1024
    /// 2 MiB in flight at most: enough to keep the compressor fed (the files behind it are
    /// asked for early, `openAhead`), where 8 MiB bought no time and cost 6 MiB of peak RSS.
    static let chunkCount = 16
    /// Files read ahead at most (many small files take few bytes but still a queue slot).
    static let maximumQueued = 2 * chunkCount
    /// Files opened ahead of the one being read, their data asked for at once
    /// (`LocalFileSystem.willRead`): a cold disk then serves many small files in parallel
    /// instead of one seek at a time.
    static let openAhead = 32

    private enum Item {
        case chunk(UnsafeMutableRawBufferPointer, count: Int)
        case end(String?)
        case failure(any Error)
    }

    private let condition = NSCondition()
    private let storage: UnsafeMutableRawBufferPointer
    private var free: [UnsafeMutableRawBufferPointer]
    private var queue: [Item] = []
    private var head = 0
    private var lent: UnsafeMutableRawBufferPointer?
    private var cancelled = false

    /// Starts reading `requests` at once.
    convenience init(_ requests: [Request]) {
        self.init(count: requests.count) { requests[$0] }
    }

    /// Starts reading at once the `count` files that `request` describes by position, each
    /// asked for when the reader comes near it, in order (0, 1, 2, ...: no list of paths is
    /// built up front, and a sequential source can answer); an error it throws is delivered
    /// where that file's bytes would have been.
    init(count: Int, request: @escaping @Sendable (Int) throws -> Request) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize * Self.chunkCount, alignment: 16)
        self.storage = storage
        free = (0..<Self.chunkCount).map {
            UnsafeMutableRawBufferPointer(rebasing: storage[($0 * Self.chunkSize)..<(($0 + 1) * Self.chunkSize)])
        }
        let thread = Thread { [self] in read(fileCount: count, request: request) }
        thread.name = "bundle.read-ahead"
        thread.start()
    }

    deinit {
        storage.deallocate()
    }

    /// The next piece of the current file, waiting for the reader if needed; throws the
    /// error the reader met at this point.
    func next() throws -> Piece {
        condition.lock()
        defer { condition.unlock() }
        if let lent {
            free.append(lent)
            self.lent = nil
            condition.broadcast()
        }
        while head == queue.count { condition.wait() }
        let item = queue[head]
        head += 1
        if head > 1024 {
            queue.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        switch item {
        case .chunk(let buffer, let count):
            lent = buffer
            return .bytes(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
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
                    guard let buffer = takeFree() else { return }
                    let want = Int(min(Int64(buffer.count), remaining))
                    let count: Int
                    do {
                        count = try LocalFileSystem.readFully(
                            file, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]), path: current.path)
                    } catch {
                        giveBack(buffer)
                        throw error
                    }
                    guard count > 0 else {
                        giveBack(buffer)
                        throw FileSystemError.changedWhileReading(path: current.path, expected: current.size)
                    }
                    hasher?.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    guard put(.chunk(buffer, count: count)) else { return }
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

    /// A free chunk, waiting for one; nil once cancelled.
    private func takeFree() -> UnsafeMutableRawBufferPointer? {
        condition.lock()
        defer { condition.unlock() }
        while free.isEmpty && !cancelled { condition.wait() }
        return cancelled ? nil : free.removeLast()
    }

    private func giveBack(_ buffer: UnsafeMutableRawBufferPointer) {
        condition.lock()
        free.append(buffer)
        condition.unlock()
    }

    /// Queues an item, waiting while the queue is full; false once cancelled.
    private func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= Self.maximumQueued && !cancelled { condition.wait() }
        if cancelled { return false }
        queue.append(item)
        condition.broadcast()
        return true
    }
}
