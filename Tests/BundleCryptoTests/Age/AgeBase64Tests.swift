import Foundation
import Testing

@testable import BundleCrypto

@Suite("age base64")
struct AgeBase64Tests {
    @Test("round trips every length up to 100 like Foundation without padding")
    func roundTrip() {
        for length in 0...100 {
            let bytes = agePattern(length, seed: UInt64(length) + 7)
            let text = AgeBase64.encode(bytes)
            #expect(text == Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: ""))
            #expect(AgeBase64.decode(Array(text.utf8)) == bytes)
        }
    }

    @Test(
        "only the canonical form decodes",
        arguments: [
            "QQ==", "QUE=", "QR", "QUF", "Q", "QUFBQ", "QU E", "QU\nE", "QUF-", "QUF_",
        ])
    func refused(text: String) {
        #expect(AgeBase64.decode(Array(text.utf8)) == nil)
    }

    @Test("canonical forms decode")
    func accepted() {
        #expect(AgeBase64.decode(Array("QQ".utf8)) == [0x41])
        #expect(AgeBase64.decode(Array("QUE".utf8)) == [0x41, 0x41])
        #expect(AgeBase64.decode(Array("".utf8)) == [])
    }
}
