import Testing

@testable import BundleKit

@Suite("glob patterns")
struct GlobPatternTests {
    @Test(arguments: [
        ("*.renewal.json", "a.renewal.json", true),
        ("*.renewal.json", "a.renewal.json.bak", false),
        ("*.pfx", ".pfx", true),
        ("cert?.pem", "cert1.pem", true),
        ("cert?.pem", "cert10.pem", false),
        ("[abc]*.txt", "b1.txt", true),
        ("[!abc]*.txt", "b1.txt", false),
        ("[a-c]x", "cx", true),
        ("[a-c]x", "dx", false),
        ("*", "", true),
        ("a*b*c", "aXbYbZc", true),
        ("a*b*c", "aXbYbZ", false),
        ("[", "[", true),
    ])
    func matches(pattern: String, name: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(name) == expected)
    }
}
