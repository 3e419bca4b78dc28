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
        _ = glibcMallopt(glibcArenaMax, 2)
        #endif
    }
}

#if canImport(Glibc)
// <malloc.h> is not part of the Glibc module: `int mallopt(int param, int value)` and
// `#define M_ARENA_MAX -8`, as glibc declares them.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let glibcArenaMax: Int32 = -8
#endif
