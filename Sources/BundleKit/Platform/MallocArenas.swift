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
        // `int mallopt(int param, int value)` from <malloc.h>; `M_ARENA_MAX` is -8 in glibc.
        guard let mallopt = CFunction.named("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self) else { return }
        _ = mallopt(-8, 2)
        #endif
    }
}
