#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A C library function that the C module does not declare (glibc declares `syncfs`,
/// `fallocate` and `sync_file_range` only for GNU sources, and `mallopt` in a header the
/// Glibc module leaves out), looked up in the running process by name; nil where the C
/// library has none. `Function` is its `@convention(c)` type.
enum CFunction {
    static func named<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}
