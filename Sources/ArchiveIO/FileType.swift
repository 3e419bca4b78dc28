/// The `AE_IF*` file-type bits of `archive_entry_filetype`. The C macros carry a cast, which
/// Swift does not import, so their values are spelled out (they are the POSIX `S_IF*` values).
enum FileType {
    static let mask: UInt32 = 0o170000
    static let regular: UInt32 = 0o100000
    static let directory: UInt32 = 0o040000
    static let symlink: UInt32 = 0o120000
    static let characterDevice: UInt32 = 0o020000
    static let blockDevice: UInt32 = 0o060000
    static let fifo: UInt32 = 0o010000
    static let socket: UInt32 = 0o140000
}
