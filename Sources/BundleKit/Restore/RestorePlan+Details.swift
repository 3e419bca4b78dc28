extension RestorePlan {
    /// The lines of a plan step (`Step.details`), each made when it is read.
    ///
    /// The steps that write and safeguard files list every file of the plan: as `[String]`
    /// a plan of 100,000 files held 100,000 such lines (and `--dry-run --json` another copy
    /// of each in its document). Here a step keeps the plan's `Files` (one 12-byte record
    /// per file) and how to say one of them, and builds each line as it is read, so a
    /// reader that prints or writes them one at a time holds one at a time.
    public struct Details: Sequence, Sendable, Equatable, ExpressibleByArrayLiteral, Encodable {
        private enum Part: Sendable {
            /// Lines as they are.
            case lines([String])
            /// One line for each file `line` says something of, in the files' order.
            case files(Files, @Sendable (File) -> String?)
        }

        private let parts: [Part]

        /// The given lines.
        public init(_ lines: [String]) {
            parts = [.lines(lines)]
        }

        /// The given lines.
        public init(arrayLiteral lines: String...) {
            parts = [.lines(lines)]
        }

        /// A line for each of `files` that `line` gives one for (nil: none), then `after`.
        init(files: Files, line: @escaping @Sendable (File) -> String?, then after: [String] = []) {
            parts = [.files(files, line), .lines(after)]
        }

        /// The lines in order; a file's line is made when the iterator reaches it.
        public func makeIterator() -> AnyIterator<String> {
            let parts = parts
            var part = 0
            var position = 0
            return AnyIterator {
                while part < parts.count {
                    switch parts[part] {
                    case .lines(let lines):
                        if position < lines.count {
                            position += 1
                            return lines[position - 1]
                        }
                    case .files(let files, let line):
                        while position < files.endIndex {
                            position += 1
                            if let text = line(files[position - 1]) { return text }
                        }
                    }
                    part += 1
                    position = 0
                }
                return nil
            }
        }

        /// True when there are no lines (reads files up to the first one with a line).
        public var isEmpty: Bool {
            let iterator = makeIterator()
            return iterator.next() == nil
        }

        /// The same lines, in the same order.
        public static func == (lhs: Details, rhs: Details) -> Bool {
            lhs.elementsEqual(rhs)
        }

        /// Encodes the lines as an array of strings, as `[String]` would.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.unkeyedContainer()
            for line in self { try container.encode(line) }
        }
    }
}
