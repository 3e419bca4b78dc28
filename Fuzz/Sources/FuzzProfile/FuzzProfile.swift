import BundleKit
import Foundation

/// One input: parsed as a profile, then its variables resolved for each OS and its item
/// templates expanded, as capture and restore would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProfile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let profile = try? Profile(yaml: String(decoding: data, as: UTF8.self), source: "fuzz.yaml") else { return 0 }
    for os in [OSFamily.linux, .windows] {
        guard let variables = try? VariableResolver(profile: profile, os: os, overrides: [:]).resolve() else { continue }
        let mapper = PathMapper(root: "/fuzz-root", os: os)
        for item in profile.items {
            if let resolved = try? VariableResolver.expand(item.selector.template, with: variables, context: item.id) {
                _ = try? mapper.hostPath(for: resolved)
            }
        }
    }
    return 0
}

/// SwiftPM names a debug executable's entry point `FuzzProfile_main` and aliases `main` to it, which
/// keeps libFuzzer's own `main` out; so this one hands the arguments to libFuzzer's driver.
@main
enum FuzzProfileMain {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzProfile))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
