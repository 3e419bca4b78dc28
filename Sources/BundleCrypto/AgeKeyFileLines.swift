import Foundation

/// The lines of a key file that hold keys, with their 1-based numbers.
enum AgeKeyFileLines {
    static func lines(of contents: String) -> [(Int, String)] {
        var result: [(Int, String)] = []
        var number = 0
        for raw in contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            result.append((number, line))
        }
        return result
    }
}
