/// Finds the value an XPath of the supported subset selects.
///
/// The subset: an absolute path of element names from the root (`/configuration/appSettings`),
/// each step optionally filtered by one or more `[@attr='value']` predicates (either quote;
/// the attribute's value compares exactly, after unescaping), ending in `/@attribute` (an
/// attribute's value) or `/text()` (the text of an element that holds only text, or only one
/// CDATA section). Names compare exactly, prefix included (`x:name`); there are no
/// wildcards, `//`, positions, functions or namespaces.
enum XPathRewriter {
    /// A parsed path.
    struct Path: Equatable {
        struct Step: Equatable {
            var name: String
            var predicates: [Predicate]
        }
        struct Predicate: Equatable {
            var attribute: String
            var value: String
        }
        enum End: Equatable {
            case attribute(String)
            case text
        }
        var steps: [Step]
        var end: End
    }

    static func locate(_ text: TextEncoding.Decoded, path expression: String, file: String) throws(RewriteError) -> ValueSlot {
        let target = RewriteTarget.xmlXPath(expression)
        let path: Path
        do {
            path = try parse(expression)
        } catch {
            throw .invalidTarget(file: file, target: target, reason: error.reason)
        }
        let (document, asciiOnly) = try XMLScanner.load(text, file: file)
        var matches: [XMLScanner.Element] = []
        var deepest = 0  // how many steps matched somewhere, for the message
        for element in document.elements {
            let depth = try matchedSteps(element, path: path, in: document, file: file)
            deepest = max(deepest, depth)
            if depth == path.steps.count { matches.append(element) }
        }
        guard !matches.isEmpty else {
            let detail = deepest == 0
                ? "the root element is <\(document.elements.first?.name ?? "")>"
                : "no element matches step \(deepest + 1) ('\(describe(path.steps[deepest]))')"
            throw .notFound(file: file, target: target, detail: detail)
        }
        switch path.end {
        case let .attribute(name):
            let holders = matches.filter { $0.attribute(name) != nil }
            guard let holder = holders.first, let attribute = holder.attribute(name) else {
                throw .notFound(file: file, target: target,
                                detail: "<\(matches[0].name)> on line \(document.line(of: matches[0])) has no attribute '\(name)'")
            }
            guard holders.count == 1 else {
                throw .ambiguous(file: file, target: target, lines: holders.map(document.line(of:)))
            }
            return try document.attributeSlot(attribute, asciiOnly: asciiOnly, target: target, file: file)
        case .text:
            guard matches.count == 1 else {
                throw .ambiguous(file: file, target: target, lines: matches.map(document.line(of:)))
            }
            return try document.textSlot(matches[0], asciiOnly: asciiOnly, target: target, file: file)
        }
    }

    /// How many steps `element` and its ancestors satisfy, when they satisfy the first steps
    /// of the path (the element itself is selected when that is all of them); else 0.
    private static func matchedSteps(_ element: XMLScanner.Element, path: Path, in document: XMLScanner, file: String) throws(RewriteError) -> Int {
        var chain = [element]
        while let parent = chain.last?.parent { chain.append(document.elements[parent]) }
        guard chain.count <= path.steps.count else { return 0 }
        for (node, step) in zip(chain.reversed(), path.steps) {
            guard node.name == step.name else { return 0 }
            for predicate in step.predicates {
                guard let attribute = node.attribute(predicate.attribute) else { return 0 }
                let value: String
                do {
                    value = try document.unescape(attribute.valueRange, attribute: true)
                } catch {
                    throw .malformed(file: file, format: "XML", line: document.line(at: error.offset), reason: error.reason)
                }
                guard value.unicodeScalars.elementsEqual(predicate.value.unicodeScalars) else { return 0 }
            }
        }
        return chain.count
    }

    private static func describe(_ step: Path.Step) -> String {
        step.name + step.predicates.map { "[@\($0.attribute)='\($0.value)']" }.joined()
    }

    /// Why an expression is outside the subset.
    struct SyntaxError: Error {
        var reason: String
    }

    /// Parses the subset described on the type.
    static func parse(_ expression: String) throws(SyntaxError) -> Path {
        let characters = Array(expression)
        var cursor = 0
        func peek(_ offset: Int = 0) -> Character? {
            cursor + offset < characters.count ? characters[cursor + offset] : nil
        }
        func skipSpace() {
            while let next = peek(), next == " " || next == "\t" { cursor += 1 }
        }
        func name() -> String {
            let start = cursor
            while let next = peek(), !"/[]@='\"() \t*".contains(next) { cursor += 1 }
            return String(characters[start..<cursor])
        }
        guard peek() == "/" else {
            throw SyntaxError(reason: "it must be an absolute path starting with '/' (e.g. /configuration/appSettings/add[@key='x']/@value)")
        }
        var steps: [Path.Step] = []
        while cursor < characters.count {
            guard peek() == "/" else { throw SyntaxError(reason: "unexpected '\(characters[cursor])' at position \(cursor + 1)") }
            cursor += 1
            if peek() == "/" { throw SyntaxError(reason: "'//' is not supported; write every step from the root") }
            if peek() == "@" {
                cursor += 1
                let attribute = name()
                guard !attribute.isEmpty, cursor == characters.count else {
                    throw SyntaxError(reason: "'/@' must be followed by an attribute name and end the path")
                }
                guard !steps.isEmpty else { throw SyntaxError(reason: "an attribute needs an element step before it") }
                return Path(steps: steps, end: .attribute(attribute))
            }
            if characters[cursor...].elementsEqual("text()") {
                guard !steps.isEmpty else { throw SyntaxError(reason: "text() needs an element step before it") }
                return Path(steps: steps, end: .text)
            }
            let element = name()
            guard !element.isEmpty else {
                let found = peek().map { "'\($0)'" } ?? "the end"
                throw SyntaxError(reason: "expected an element name at position \(cursor + 1), found \(found) (wildcards and functions other than text() are not supported)")
            }
            var predicates: [Path.Predicate] = []
            while peek() == "[" {
                cursor += 1
                skipSpace()
                guard peek() == "@" else {
                    throw SyntaxError(reason: "only [@attribute='value'] predicates are supported (in step '\(element)')")
                }
                cursor += 1
                let attribute = name()
                skipSpace()
                guard !attribute.isEmpty, peek() == "=" else {
                    throw SyntaxError(reason: "a predicate in step '\(element)' must read [@attribute='value']")
                }
                cursor += 1
                skipSpace()
                guard let quote = peek(), quote == "'" || quote == "\"" else {
                    throw SyntaxError(reason: "the value in a predicate of step '\(element)' must be quoted")
                }
                cursor += 1
                let start = cursor
                while let next = peek(), next != quote { cursor += 1 }
                guard peek() == quote else { throw SyntaxError(reason: "a quote in a predicate of step '\(element)' is not closed") }
                let value = String(characters[start..<cursor])
                cursor += 1
                skipSpace()
                guard peek() == "]" else { throw SyntaxError(reason: "a predicate in step '\(element)' is not closed with ']'") }
                cursor += 1
                predicates.append(Path.Predicate(attribute: attribute, value: value))
            }
            steps.append(Path.Step(name: element, predicates: predicates))
        }
        throw SyntaxError(reason: "it must end in /@attribute or /text()")
    }
}
