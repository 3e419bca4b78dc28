/// The last `limit` bytes of a command's standard output and error, as they arrived: enough
/// for an error message, bounded however much the command writes.
struct OutputTail {
    private var bytes: [UInt8] = []
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds what was just read; the buffer is cut back to `limit` once it holds twice that, so
    /// trimming costs nothing per read.
    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit * 2 { bytes.removeFirst(bytes.count - limit) }
    }

    /// The kept bytes as text (invalid UTF-8, such as a character cut at the front, is replaced).
    var text: String {
        String(decoding: bytes.suffix(limit), as: UTF8.self)
    }
}
