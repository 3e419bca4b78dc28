#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs libarchive calls with a UTF-8 `LC_CTYPE` on the calling thread only.
///
/// libarchive converts names between UTF-8 (pax headers) and "the current locale". Swift
/// programs run in the C locale, where libarchive 3.6 turns non-ASCII names into `?` with a
/// warning on reading and can even crash on writing (a NULL pathname reaches `strlen`).
/// `uselocale` changes the thread's locale, not the process's, so nothing else is affected.
enum UTF8Locale {
    private nonisolated(unsafe) static let locale: locale_t? = {
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8", "UTF-8"] {
            if let locale = newlocale(LC_CTYPE_MASK, name, nil) { return locale }
        }
        return nil
    }()

    /// Calls `body` with the UTF-8 locale in force, then restores the thread's locale.
    @discardableResult
    static func run<T>(_ body: () throws -> T) rethrows -> T {
        guard let locale else { return try body() }
        let previous = uselocale(locale)
        defer { if let previous { uselocale(previous) } }
        return try body()
    }
}
