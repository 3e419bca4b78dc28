#if canImport(Glibc)
import Glibc
#endif

/// How many heaps glibc's allocator keeps. By default each thread that allocates gets an
/// arena of its own (up to eight per core), and what a thread frees stays in its arena: a
/// verify or restore, whose parser, inflaters and hashing run on threads of their own, held
/// the free space of four arenas at once, about 1 MiB of its peak at 100,000 files. Two keep
/// the main thread's allocations apart from the workers' (which allocate little: their
/// buffers are reused), at the same speed.
public enum MallocArenas {
    /// Limits the arenas; call first thing in `main`, before other threads allocate.
    public static func limit() {
        #if canImport(Glibc)
        // <malloc.h> is not part of the Glibc module: `int mallopt(int param, int value)` is
        // looked up at run time (with C's calling convention), `M_ARENA_MAX` is -8 in glibc.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 2)
        #endif
    }
}
