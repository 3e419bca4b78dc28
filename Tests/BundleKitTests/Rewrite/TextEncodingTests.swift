import BundleKit
import Foundation
import Testing

@Suite("config file encodings")
struct TextEncodingTests {
    let target = RewriteTarget.replace(find: "old", guard: nil)

    @Test("unsupported encodings are refused, naming the file", arguments: [
        ("UTF-32LE", [0xFF, 0xFE, 0x00, 0x00, 0x6F, 0, 0, 0]),
        ("Latin-1", Array("caf".utf8) + [0xE9, 0x20] + Array("old".utf8)),
        ("UTF-16 without BOM", [0x6F, 0x00, 0x6C, 0x00, 0x64, 0x00]),
        ("odd UTF-16", [0xFF, 0xFE, 0x6F, 0x00, 0x6C]),
        ("unpaired surrogate", [0xFF, 0xFE, 0x00, 0xD8, 0x6F, 0x00]),
    ] as [(String, [UInt8])])
    func unsupported(_ name: String, _ bytes: [UInt8]) {
        let error = RewriteFixture.error { try ConfigRewriter.rewrite(Data(bytes), target: target, value: "new", file: "legacy.ini") }
        #expect(RewriteFixture.kind(error) == "unsupportedEncoding", "\(name)")
        #expect(error?.description.hasPrefix("legacy.ini: ") == true)
    }

    @Test("UTF-16 files keep their byte order, mark and non-BMP characters", arguments: [true, false])
    func utf16RoundTrip(_ littleEndian: Bool) throws {
        let text = "\u{1F512} key = old\r\nnext = 𝄞 ü\r\n"
        func encode(_ string: String) -> Data {
            Data((littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) + string.utf16.flatMap {
                littleEndian ? [UInt8($0 & 0xFF), UInt8($0 >> 8)] : [UInt8($0 >> 8), UInt8($0 & 0xFF)]
            })
        }
        let (data, result) = try ConfigRewriter.rewrite(encode(text), target: target, value: "néw", file: "a.ini")
        #expect(data == encode(text.replacingOccurrences(of: "old", with: "néw")))
        #expect(result.line == 1)
    }

    @Test("a UTF-8 BOM is kept")
    func utf8BOM() throws {
        let (data, _) = try ConfigRewriter.rewrite(Data([0xEF, 0xBB, 0xBF] + Array("x=old\n".utf8)), target: target, value: "new", file: "a.ini")
        #expect(data == Data([0xEF, 0xBB, 0xBF] + Array("x=new\n".utf8)))
    }
}
