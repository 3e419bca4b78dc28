import BundleCrypto
import BundleKit
import Foundation

/// The fixture key (Fixtures/hostile/signing.pub), so that seeds from the hostile corpus pass
/// the signature and mutations reach the manifest and payload checks behind it.
private let key = try! KeyFiles.publicKey("RWSsZhydXoKD9RTc0S7wnyARNMs1Yjnx/q/vAeZqemzz2jAseStLGDI3")
private let path = NSTemporaryDirectory() + "/bundle-fuzz-\(getpid()).bundle"

/// One input: written to a file and verified as a bundle, front to back. Problems are the
/// expected outcome; a trap, a hang or a memory error is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard FileManager.default.createFile(atPath: path, contents: data) else { return 0 }
    _ = try? Verifier(bundle: path, publicKey: key).run()
    return 0
}

/// SwiftPM names a debug executable's entry point `FuzzBundle_main` and aliases `main` to it, which
/// keeps libFuzzer's own `main` out; so this one hands the arguments to libFuzzer's driver.
@main
enum FuzzBundleMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzBundle))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
