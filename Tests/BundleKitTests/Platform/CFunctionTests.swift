import Testing

@testable import BundleKit

/// C functions the C module does not declare are found by name in the running process, and
/// can be called; a name the C library lacks gives nil.
@Suite("C functions looked up by name")
struct CFunctionTests {
    #if os(Linux)
    @Test("syncfs, fallocate, sync_file_range and mallopt are found; mallopt answers 1 (done)")
    func found() throws {
        #expect(CFunction.named("syncfs", as: (@convention(c) (Int32) -> Int32).self) != nil)
        #expect(CFunction.named("fallocate", as: (@convention(c) (Int32, Int32, Int64, Int64) -> Int32).self) != nil)
        #expect(CFunction.named("sync_file_range", as: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self) != nil)
        let mallopt = try #require(CFunction.named("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self))
        #expect(mallopt(-8, 2) == 1)  // M_ARENA_MAX, as MallocArenas sets it
    }
    #endif

    @Test("a name no C library has: nil")
    func missing() {
        #expect(CFunction.named("bundle_no_such_function", as: (@convention(c) () -> Void).self) == nil)
    }
}
