import BundleCrypto
import Foundation
import TestSupport
import Testing

@Suite("BLAKE2b")
struct BLAKE2bTests {
    @Test("RFC 7693 Appendix A: BLAKE2b-512(\"abc\")")
    func rfcVector() {
        #expect(
            hex(BLAKE2b.hash(Array("abc".utf8)))
                == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    }

    @Test("empty input, 64 and 32 bytes")
    func emptyInput() {
        #expect(
            hex(BLAKE2b.hash([UInt8]()))
                == "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
                + "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce")
        #expect(
            hex(BLAKE2b.hash(Data(), outputByteCount: 32))
                == "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8")
    }

    /// Entries of the BLAKE2 reference blake2b-kat.txt: key 00..3f, input 00 01 02 ... of `length`
    /// bytes. The lengths sit on either side of the 128-byte block edges.
    @Test("keyed known answers from blake2b-kat.txt", arguments: [
        (0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568"),
        (1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd"),
        (2, "da2cfbe2d8409a0f38026113884f84b50156371ae304c4430173d08a99d9fb1b983164a3770706d537f49e0c916d9f32b95cc37a95b99d857436f0232c88a965"),
        (127, "76d2d819c92bce55fa8e092ab1bf9b9eab237a25267986cacf2b8ee14d214d730dc9a5aa2d7b596e86a1fd8fa0804c77402d2fcd45083688b218b1cdfa0dcbcb"),
        (128, "72065ee4dd91c2d8509fa1fc28a37c7fc9fa7d5b3f8ad3d0d7a25626b57b1b44788d4caf806290425f9890a3a2a35a905ab4b37acfd0da6e4517b2525c9651e4"),
        (129, "64475dfe7600d7171bea0b394e27c9b00d8e74dd1e416a79473682ad3dfdbb706631558055cfc8a40e07bd015a4540dcdea15883cbbf31412df1de1cd4152b91"),
        (255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461"),
    ])
    func keyedKnownAnswer(length: Int, expected: String) {
        var hasher = BLAKE2b(key: Array(0..<64))
        hasher.update((0..<length).map { UInt8($0) })
        #expect(hex(hasher.finalize()) == expected)
    }

    @Test("finalize leaves the hash usable for more input")
    func finalizeDoesNotMutate() {
        var hasher = BLAKE2b()
        hasher.update(Array("ab".utf8))
        #expect(hasher.finalize() == BLAKE2b.hash(Array("ab".utf8)))
        #expect(hasher.finalize() == BLAKE2b.hash(Array("ab".utf8)))
        hasher.update(Array("c".utf8))
        #expect(hasher.finalize() == BLAKE2b.hash(Array("abc".utf8)))
    }

    @Test(
        "matches Python's hashlib.blake2b on random input fed in odd-sized chunks",
        .enabled(if: ExternalTool.find("python3") != nil, "python3 is not installed"),
        arguments: [0, 1, 127, 128, 129, 1000, 1 << 20])
    func matchesPython(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let input = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let script = """
            import hashlib, sys
            data = sys.stdin.buffer.read()
            print(hashlib.blake2b(data).hexdigest())
            print(hashlib.blake2b(data, digest_size=32).hexdigest())
            print(hashlib.blake2b(data, digest_size=20, key=bytes(range(64))).hexdigest())
            """
        let result = try ExternalTool.run("python3", ["-c", script], input: Data(input))
        #expect(result.status == 0, "python3 failed: \(result.errors)")
        let expected = result.output.split(separator: "\n").map(String.init)

        var full = BLAKE2b(), short = BLAKE2b(outputByteCount: 32)
        var keyed = BLAKE2b(outputByteCount: 20, key: Array(0..<64))
        // Chunk sizes that straddle block edges in every way, cycled over the input.
        let chunkSizes = [1, 7, 61, 128, 129, 300, 3, 255, 1024]
        var offset = 0, turn = 0
        while offset < input.count {
            let end = min(input.count, offset + chunkSizes[turn % chunkSizes.count])
            input[offset..<end].withUnsafeBytes { chunk in
                full.update(chunk)
                short.update(chunk)
            }
            keyed.update(input[offset..<end])
            offset = end
            turn += 1
        }
        #expect([hex(full.finalize()), hex(short.finalize()), hex(keyed.finalize())] == expected)
        #expect(hex(BLAKE2b.hash(input)) == expected.first)
    }

    /// Throughput on 256 MiB, printed in MiB/s. Run it in release mode:
    /// `BUNDLE_BENCHMARK=1 swift test -c release --filter BLAKE2bTests/throughput`.
    @Test(
        "throughput (set BUNDLE_BENCHMARK=1)",
        .enabled(if: ProcessInfo.processInfo.environment["BUNDLE_BENCHMARK"] != nil))
    func throughput() {
        let chunk = [UInt8](repeating: 0x5a, count: 1 << 20)
        var hasher = BLAKE2b()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<256 { hasher.update(chunk) }
            _ = hasher.finalize()
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("BLAKE2b-512: 256 MiB in \(seconds) s = \(Int(256 / seconds)) MiB/s")
    }
}

/// Lowercase hex, as the test vectors are written.
private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
