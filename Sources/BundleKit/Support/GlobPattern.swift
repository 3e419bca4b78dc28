/// A shell-style pattern for one file name: `*` (any run), `?` (one character), `[abc]`,
/// `[a-z]`, `[!x]`. Written here rather than with `fnmatch` so Windows matches the same way.
struct GlobPattern: Sendable, Equatable {
    private let pattern: [Character]

    init(_ text: String) {
        pattern = Array(text)
    }

    /// True when the text has a wildcard character.
    static func hasWildcard(_ text: some StringProtocol) -> Bool {
        text.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    func matches(_ name: String) -> Bool {
        let text = Array(name)
        // Iterative matching with one backtrack point for the last `*`: linear in practice.
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, let next = matchOne(at: p, text[t]) {
                p = next
                t += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Matches one character at pattern index `p`; returns the index after the token, or nil.
    private func matchOne(at p: Int, _ c: Character) -> Int? {
        switch pattern[p] {
        case "?":
            return p + 1
        case "[":
            var i = p + 1
            var negate = false
            if i < pattern.count, pattern[i] == "!" || pattern[i] == "^" {
                negate = true
                i += 1
            }
            var matched = false
            var first = true
            while i < pattern.count, pattern[i] != "]" || first {
                first = false
                if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                    if pattern[i] <= c && c <= pattern[i + 2] { matched = true }
                    i += 3
                } else {
                    if pattern[i] == c { matched = true }
                    i += 1
                }
            }
            guard i < pattern.count else { return pattern[p] == c ? p + 1 : nil }  // no `]`: literal `[`
            return matched != negate ? i + 1 : nil
        default:
            return pattern[p] == c ? p + 1 : nil
        }
    }
}
