import BundleKit
import Foundation

/// One input: parsed as MANIFEST.json and as SHA256SUMS. Any throw is fine; a trap, a hang or
/// a memory error is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    if let manifest = try? Manifest.decode(data) {
        _ = manifest.trustedComment
        _ = try? manifest.encoded()
    }
    _ = try? ChecksumList.parse(data)
    return 0
}

/// SwiftPM names a debug executable's entry point `FuzzManifest_main` and aliases `main` to it, which
/// keeps libFuzzer's own `main` out; so this one hands the arguments to libFuzzer's driver.
@main
enum FuzzManifestMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzManifest))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
