import Foundation

/// Runs preflight and post-checks: once for preflight, repeatedly until a deadline for
/// post-checks (the product may take a while to read its data and open its port).
enum CheckRunner {
    /// Why a check does not hold: a sentence, and the error behind it (a check command's).
    struct Failure {
        var reason: String
        var cause: ErrorCause?
    }

    /// Nil when the check holds, else why not.
    static func failure(of check: RestorePlan.Check) -> Failure? {
        switch check {
        case .exists(let path):
            return ((try? FileStatus.of(path)) ?? nil) == nil ? Failure(reason: "\(path) does not exist") : nil
        case .run(let command):
            do {
                let outcome = try CommandRunner.run(command.argv, timeout: command.timeout)
                if let text = command.outputLacks, outcome.output.contains(text) {
                    return Failure(reason: "\(command.argv.joined(separator: " ")) exited 0 but its output contains '\(text)':\n\(outcome.output.suffix(1_000))")
                }
                return nil
            } catch {
                return Failure(reason: "\(error)", cause: ErrorCause(error))
            }
        case .tcp(let host, let port):
            return Network.connects(host: host, port: port) ? nil : Failure(reason: "nothing accepts connections on \(host):\(port)")
        case .jsonPathsExist(let file, let pointers, let mapper):
            return missingPaths(in: file, at: pointers, mapper: mapper).map { Failure(reason: $0) }
        case .http(let url):
            return HTTPProbe.problem(url: url).map { Failure(reason: $0) }
        case .linksInside(let directory, let inside):
            return linksOutside(directory, inside: inside).map { Failure(reason: $0) }
        case .iniPathsExist(let folder, let pattern, let section, let keys, let mapper):
            return missingINIPaths(folder: folder, pattern: pattern, section: section, keys: keys, mapper: mapper).map { Failure(reason: $0) }
        }
    }

    /// Nil when every non-empty string at `pointers` in the JSON file names an existing path;
    /// else one message listing each missing path by pointer and value, so the administrator
    /// can create them all (or fix the file) in one go.
    static func missingPaths(in file: String, at pointers: [String], mapper: PathMapper) -> String? {
        guard let data = FileManager.default.contents(atPath: file) else { return "\(file) does not exist or cannot be read" }
        return missingPaths(inJSON: data, file: file, at: pointers, mapper: mapper)
    }

    /// `missingPaths` of JSON text already read (`file` names it in the message). A pointer
    /// token `*` stands for every element of an array or member of an object there.
    static func missingPaths(inJSON data: Data, file: String, at pointers: [String], mapper: PathMapper) -> String? {
        var data = data
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        guard let document = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return "\(file) is not valid JSON; fix it before restoring"
        }
        var problems: [String] = []
        for (pointer, value) in pointers.flatMap({ jsonValues(at: $0, in: document) }) {
            // Absent (another version of the product), null or empty: the product's default applies.
            guard !(value is NSNull) else { continue }
            guard let path = value as? String else {
                problems.append("\(pointer) is not text, so not a path")
                continue
            }
            if path.isEmpty { continue }
            do {
                let host = try mapper.hostPath(for: path)
                if ((try? FileStatus.of(host)) ?? nil) == nil { problems.append("\(pointer) = \(path) does not exist") }
            } catch {
                problems.append("\(pointer) = \(path): \(error)")
            }
        }
        guard !problems.isEmpty else { return nil }
        return "\(file) names \(problems.count) path(s) missing on this machine: \(problems.joined(separator: "; ")); create them or change the file"
    }

    /// The value an RFC 6901 pointer names, or nil when a step is missing.
    static func jsonValue(at pointer: String, in document: Any) -> Any? {
        var node: Any = document
        for raw in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = node as? [String: Any] {
                guard let next = object[token] else { return nil }
                node = next
            } else if let array = node as? [Any], let index = Int(token), array.indices.contains(index) {
                node = array[index]
            } else {
                return nil
            }
        }
        return node
    }

    /// Retries `check` until it holds or `within` seconds have passed.
    static func wait(for check: RestorePlan.Check, within seconds: Int) -> Failure? {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while true {
            guard var failure = failure(of: check) else { return nil }
            if Date() >= deadline {
                failure.reason += " after \(seconds) s"
                return failure
            }
            Thread.sleep(forTimeInterval: min(1, max(0.05, deadline.timeIntervalSinceNow)))
        }
    }
}

extension CheckRunner {
    /// Every value `pointer` names, with the pointer that names it: a token `*` walks every
    /// element of an array (in order) or member of an object (sorted by key); a missing step
    /// names nothing.
    static func jsonValues(at pointer: String, in document: Any) -> [(String, Any)] {
        guard let star = pointer.range(of: "/*/") ?? (pointer.hasSuffix("/*") ? pointer.range(of: "/*", options: .backwards) : nil) else {
            return jsonValue(at: pointer, in: document).map { [(pointer, $0)] } ?? []
        }
        let head = String(pointer[..<star.lowerBound]), tail = String(pointer[star.upperBound...])
        guard let node = head.isEmpty ? document : jsonValue(at: head, in: document) else { return [] }
        var keys: [String] = []
        if let array = node as? [Any] {
            keys = array.indices.map(String.init)
        } else if let object = node as? [String: Any] {
            keys = object.keys.sorted().map { $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
        }
        return keys.flatMap { jsonValues(at: head + "/" + $0 + (tail.isEmpty ? "" : "/" + tail), in: document) }
    }
}
