import ArchiveIO
import BundleCrypto
import Foundation
import SystemPackage
import Testing
import TestSupport

@testable import BundleKit

/// The error codes are a contract (Formats/json-output.md): every code listed there is produced
/// by some error case and every case's code is listed; each case has a hint. The `example(_:)`
/// functions switch over each type's `Code` without a default, so a new code does not compile
/// until it has an example here; `errorCode` switches over the cases, so a new case does not
/// compile until it has a code.
@Suite("error codes and hints")
struct ErrorCatalogTests {
    /// The codes in a table of the document, from its first column (`| \`code\` | ...`), under `heading`.
    static func documentedCodes(under heading: String) throws -> [String] {
        let text = try String(contentsOf: FixturePaths.formats.appendingPathComponent("json-output.md"), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "\n## ").first { $0.hasPrefix(heading) }, "no section '\(heading)'")
        return section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).prefix { $0 != "`" }.description
        }
    }

    static let w = "f.yaml"

    static func example(_ code: ProfileError.Code) -> ProfileError {
        switch code {
        case .yamlSyntax: .yamlSyntax(file: w, line: 1, message: "m")
        case .unknownKey: .unknownKey(file: w, line: 1, key: "k", context: "c", allowed: ["a"])
        case .missingKey: .missingKey(file: w, line: 1, key: "k", context: "c")
        case .duplicateKey: .duplicateKey(file: w, line: 2, key: "k", context: "c", firstLine: 1)
        case .wrongType: .wrongType(file: w, line: 1, key: "k", context: "c", expected: "a list", found: "text")
        case .unknownRole: .unknownRole(file: w, line: 1, value: "v", allowed: ["config"])
        case .invalidValue: .invalidValue(file: w, line: 1, key: "k", reason: "r")
        case .duplicateItemID: .duplicateItemID(file: w, line: 2, id: "i", firstLine: 1)
        case .duplicateVariable: .duplicateVariable(file: w, line: 2, name: "n", firstLine: 1)
        case .unsupportedVersion: .unsupportedVersion(file: w, found: 9, supported: 1)
        case .notFound: .notFound(reference: "nope", searched: ["Formats"])
        case .noProfileFolder: .noProfileFolder(searched: ["Formats"])
        case .unreadable: .unreadable(file: w, reason: "r")
        case .undefinedVariable: .undefinedVariable(name: "X", usedIn: "item 'a'")
        case .variableCycle: .variableCycle(["A", "B", "A"])
        case .unknownName: .unknownName(option: "--var", name: "AppDr", profile: "demo-app", known: ["AppDir"], suggestion: "AppDir", otherOption: nil)
        case .invalidOverride: .invalidOverride("x")
        case .invalidTemplate: .invalidTemplate(template: "${", context: "c", reason: "r")
        }
    }

    static func example(_ code: RestoreError.Code) -> RestoreError {
        switch code {
        case .verificationFailed: .verificationFailed(bundle: "b", problems: [.missing(member: "files/a")])
        case .targetNotAFile: .targetNotAFile(path: "/p", member: "files/a")
        case .identityRequired: .identityRequired(member: "files/a.age")
        case .wrongKey: .wrongKey(member: "files/a.age", keys: ["k"], reason: .wrongPassphrase)
        case .noImportCommand: .noImportCommand(item: "i")
        case .checkFailed: .checkFailed(phase: "preflight", check: "c", reason: "r")
        case .notReady: .notReady(reason: "the service manager cannot run", fix: "Name one with --service-command.")
        case .rewriteNotApplicable: .rewriteNotApplicable(cause: .notFound(file: "/a.config", target: .xmlAppSetting(key: "k"), detail: ""))
        case .otherOS: .otherOS(bundle: "b", source: .windows, target: .linux)
        case .busy: .busy(root: "/", pid: 1)
        case .unfinishedJournal: .unfinishedJournal(path: "/j")
        case .journalUnreadable: .journalUnreadable(path: "/j", cause: ErrorCause(FileSystemError.cannotRead(path: "/j", errno: .permissionDenied)))
        case .journalOfOtherRoot: .journalOfOtherRoot(path: "/j", recorded: "/a", given: "/b")
        case .stepFailed: .stepFailed(step: "imports", cause: ErrorCause(CommandError.timedOut(command: ["x"], seconds: 1)), rollbackProblems: [])
        case .commandsNotTrusted: .commandsNotTrusted(bundle: "b", profile: "p", sha256: "00", commands: ["x"], trustedCount: 1)
        case .commandsUseBundleValues: .commandsUseBundleValues(bundle: "b", names: ["N"], commands: ["x"])
        case .duplicateTarget: .duplicateTarget(path: "/p", members: ["files/a", "files/b"])
        }
    }

    static func example(_ code: CaptureError.Code) -> CaptureError {
        switch code {
        case .requiredItemMissing: .requiredItemMissing(item: "i", path: "/p")
        case .wrongKind: .wrongKind(item: "i", path: "/p", expected: "file", found: "folder")
        case .unsupportedName: .unsupportedName(item: "i", path: "/p")
        case .duplicateMember: .duplicateMember(member: "files/a")
        case .sameTarget: .sameTarget(item: "i", path: "/p", otherItem: "j", otherPath: "/p")
        case .plaintextSecret: .plaintextSecret(item: "i", role: .secret)
        case .neverCopy: .neverCopy(item: "i", path: "/p", markedBy: "j")
        case .restoreSourceFailed: .restoreSourceFailed(bundle: "b", cause: ErrorCause(CommandError.failed(command: ["x"], status: 1, output: "")), captureError: nil)
        case .exportProducedNothing: .exportProducedNothing(item: "i", command: ["x"])
        case .unsafeLink: .unsafeLink(item: "i", path: "/p", link: "/etc", reason: "absolute")
        case .unfinished: .unfinished(journal: "/j", root: "/")
        case .interrupted: .interrupted
        case .journalEntryRefused: .journalEntryRefused(path: "/p", reason: "r")
        case .refusedContent: .refusedContent(item: "i", path: "/p", found: "enc-", reason: "r", fix: "Do this.")
        }
    }

    static func example(_ code: SnapshotError.Code) -> SnapshotError {
        switch code {
        case .noStore: .noStore(path: "/s")
        case .unknownSnapshot: .unknownSnapshot(id: "x", store: "/s")
        case .badIndex: .badIndex(path: "/s/x.json", reason: "r")
        case .invalidKeep: .invalidKeep(0)
        case .invalidDuration: .invalidDuration("7")
        case .noRetention: .noRetention
        case .badHeader: .badHeader(path: "/s/x.header", reason: "r")
        case .badObject: .badObject(ObjectProblem(snapshot: "x", member: "files/a", object: "/s/objects/00/00", kind: .missing))
        case .unknownSigner: .unknownSigner(id: "x", path: "/s/keys/signers/k.pub")
        }
    }

    static func example(_ code: FileSystemError.Code) -> FileSystemError {
        switch code {
        case .cannotRead: .cannotRead(path: "/p", errno: .noSuchFileOrDirectory)
        case .cannotWrite: .cannotWrite(path: "/p", errno: .permissionDenied)
        case .changedWhileReading: .changedWhileReading(path: "/p", expected: 1)
        case .folderMissing: .folderMissing(path: "/d/p", folder: "/d")
        case .alreadyExists: .alreadyExists(path: "/p")
        case .notEnoughSpace: .notEnoughSpace(path: "/p", needed: 2, available: 1)
        case .lockTimedOut: .lockTimedOut(path: "/s/lock", seconds: 1)
        }
    }

    static func example(_ code: PathError.Code) -> PathError {
        switch code {
        case .notAbsolute: .notAbsolute(path: "p")
        case .climbs: .climbs(path: "/a/../b")
        case .invalidCharacters: .invalidCharacters(path: "/a\\b")
        case .invalidMember: .invalidMember(member: "x")
        case .symlinkInPath: .symlinkInPath(path: "/a/b", link: "/a")
        case .rootMissing: .rootMissing(path: "/r")
        case .rootNotAFolder: .rootNotAFolder(path: "/r")
        case .tooLong: .tooLong(path: "/p")
        }
    }

    static func example(_ code: CommandError.Code) -> CommandError {
        switch code {
        case .cannotStart: .cannotStart(command: ["x"], reason: "not found")
        case .failed: .failed(command: ["x"], status: 1, output: "")
        case .timedOut: .timedOut(command: ["x"], seconds: 1)
        }
    }

    static func example(_ code: KeyFileError.Code) -> KeyFileError {
        switch code {
        case .secretKeyGivenAsPublic: .secretKeyGivenAsPublic(source: "k.key")
        case .publicKeyGivenAsSecret: .publicKeyGivenAsSecret(source: "k.pub")
        case .wrongPassword: .wrongPassword(source: "k.key")
        case .noPassword: .noPassword(source: "k.key")
        case .passwordMismatch: .passwordMismatch
        case .emptyPassword: .emptyPassword(source: "k.key")
        }
    }

    static func example(_ code: SafeguardError.Code) -> SafeguardError {
        switch code {
        case .notABundle: .notABundle(id: "s", operation: "exported")
        case .otherRoot: .otherRoot(id: "s", root: "/a", given: "/b")
        case .otherStore: .otherStore(id: "s", store: "/a", recorded: "/b")
        }
    }

    static func example(_ code: DiffError.Code) -> DiffError {
        switch code {
        case .identityNeedsKey: .identityNeedsKey(bundle: "b")
        }
    }

    static func example(_ code: ManifestError.Code) -> ManifestError {
        switch code {
        case .malformedManifest: .malformedManifest("r")
        case .unsupportedVersion: .unsupportedVersion(found: 9, supported: 1)
        case .malformedChecksumLine: .malformedChecksumLine(line: 1, text: "x")
        case .duplicateChecksum: .duplicateChecksum(member: "files/a")
        case .tooDeeplyNested: .tooDeeplyNested(limit: 64)
        }
    }

    static func example(_ code: RewriteError.Code) -> RewriteError {
        let target = RewriteTarget.jsonPointer("/a")
        switch code {
        case .unsupportedEncoding: return .unsupportedEncoding(file: "/f", reason: "r")
        case .malformed: return .malformed(file: "/f", format: "JSON", line: 1, reason: "r")
        case .invalidTarget: return .invalidTarget(file: "/f", target: target, reason: "r")
        case .notFound: return .notFound(file: "/f", target: target, detail: "")
        case .ambiguous: return .ambiguous(file: "/f", target: target, lines: [1, 2])
        case .notAValue: return .notAValue(file: "/f", target: target, line: 1, reason: "is an object")
        case .invalidValue: return .invalidValue(file: "/f", target: target, line: 1, reason: "r")
        case .guardNotFound: return .guardNotFound(file: "/f", find: "a", guard: "b")
        case .validationFailed: return .validationFailed(file: "/f", format: "JSON", reason: "r")
        }
    }

    static func example(_ code: ArchiveError.Code) -> ArchiveError {
        switch code {
        case .library: .library(operation: .readHeader, path: nil, message: "m", errno: 0)
        case .unsupportedFormat: .unsupportedFormat(operation: .open, message: "m", errno: 0)
        case .sizeMismatch: .sizeMismatch(operation: .writeData, path: "a", declared: 2, actual: 1)
        case .invalidHeader: .invalidHeader(operation: .writeHeader, path: "a", reason: "r")
        case .invalidState: .invalidState(operation: .writeData, path: nil, reason: "r")
        }
    }

    static func example(_ code: SignatureError.Code) -> SignatureError {
        switch code {
        case .malformedKey: .malformedKey(source: "k", reason: "r")
        case .unsupportedAlgorithm: .unsupportedAlgorithm(source: "k", algorithm: "X")
        case .encryptedSecretKey: .encryptedSecretKey(source: "k")
        case .secretKeyChecksumMismatch: .secretKeyChecksumMismatch(source: "k")
        case .malformedSignature: .malformedSignature(source: "s", reason: "r")
        case .keyIDMismatch: .keyIDMismatch(source: "s", signedBy: "A", verifyingWith: "B")
        case .invalidSignature: .invalidSignature(source: "s")
        case .invalidGlobalSignature: .invalidGlobalSignature(source: "s")
        }
    }

    static func example(_ code: AgeError.Code) -> AgeError {
        switch code {
        case .invalidRecipient: .invalidRecipient("r")
        case .invalidIdentity: .invalidIdentity("r")
        case .invalidKeyFile: .invalidKeyFile(source: "f", line: 1, reason: "r")
        case .noKeysInFile: .noKeysInFile(source: "f")
        case .noRecipients: .noRecipients
        case .noIdentities: .noIdentities
        case .emptyPassphrase: .emptyPassphrase
        case .invalidWorkFactor: .invalidWorkFactor(30)
        case .armored: .armored
        case .notAgeFile: .notAgeFile
        case .unsupportedVersion: .unsupportedVersion("v2")
        case .malformedHeader: .malformedHeader("r")
        case .nonCanonicalBase64: .nonCanonicalBase64("f")
        case .headerTooLarge: .headerTooLarge(limit: 1)
        case .scryptNotAlone: .scryptNotAlone
        case .workFactorTooHigh: .workFactorTooHigh(logN: 30, limit: 22)
        case .lowOrderPoint: .lowOrderPoint
        case .noIdentityMatched: .noIdentityMatched(stanzaTypes: ["X25519"])
        case .passphraseRequired: .passphraseRequired
        case .notPassphraseEncrypted: .notPassphraseEncrypted(stanzaTypes: ["X25519"])
        case .wrongPassphrase: .wrongPassphrase
        case .headerMACMismatch: .headerMACMismatch
        case .truncated: .truncated("r")
        case .chunkAuthenticationFailed: .chunkAuthenticationFailed(chunk: 0)
        case .emptyLastChunk: .emptyLastChunk
        case .trailingData: .trailingData
        case .scryptFailed: .scryptFailed(logN: 18)
        case .alreadyFinished: .alreadyFinished
        }
    }

    /// One error of every code of every type.
    static var examples: [any DiagnosableError] {
        var all: [any DiagnosableError] = []
        all += ProfileError.Code.allCases.map(example)
        all += RestoreError.Code.allCases.map(example)
        all += CaptureError.Code.allCases.map(example)
        all += SnapshotError.Code.allCases.map(example)
        all += FileSystemError.Code.allCases.map(example)
        all += PathError.Code.allCases.map(example)
        all += CommandError.Code.allCases.map(example)
        all += DiffError.Code.allCases.map(example)
        all += KeyFileError.Code.allCases.map(example)
        all += SafeguardError.Code.allCases.map(example)
        all += ManifestError.Code.allCases.map(example)
        all += RewriteError.Code.allCases.map(example)
        all += ArchiveError.Code.allCases.map(example)
        all += SignatureError.Code.allCases.map(example)
        all += AgeError.Code.allCases.map(example)
        return all
    }

    @Test("every code is produced by a case of its type, and the examples give each code once")
    func everyCodeProduced() {
        let produced = Self.examples.map(\.code)
        #expect(Set(produced).count == produced.count, "a code is shared: \(produced)")
        #expect(Set(produced + ErrorCatalog.commandLineCodes + ErrorCatalog.causeCodes) == Set(ErrorCatalog.codes))
    }

    @Test("the error codes in Formats/json-output.md are exactly the codes the error types have")
    func documentedErrorCodes() throws {
        let documented = try Self.documentedCodes(under: "Error codes")
        #expect(documented.count == Set(documented).count, "a code is listed twice")
        let missing = Set(ErrorCatalog.codes).subtracting(documented).sorted()
        let unknown = Set(documented).subtracting(ErrorCatalog.codes).sorted()
        #expect(missing.isEmpty, "codes not in Formats/json-output.md: \(missing)")
        #expect(unknown.isEmpty, "codes in Formats/json-output.md that no error has: \(unknown)")
    }

    @Test("codes are kebab-case, never a Swift type name")
    func kebabCase() {
        for code in ErrorCatalog.codes {
            #expect(code.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil, "\(code)")
        }
    }

    @Test("every top-level error gives a hint, and its message does not repeat it")
    func hints() {
        for error in Self.examples {
            let hint = Diagnosis.hint(of: error)
            #expect(hint?.isEmpty == false, "\(error.code) has no hint")
            if let hint { #expect(!error.description.contains(hint), "\(error.code): the message repeats the hint") }
        }
    }

    @Test("a wrapper keeps its cause typed and passes on the cause's hint")
    func typedCause() {
        let timedOut = CommandError.timedOut(command: ["wacs.exe"], seconds: 5)
        let error = RestoreError.stepFailed(step: "imports", cause: ErrorCause(timedOut), rollbackProblems: [])
        #expect(error.cause as? CommandError == timedOut)
        #expect(Diagnosis.hint(of: error) == timedOut.hint)
        #expect(error == .stepFailed(step: "imports", cause: ErrorCause(timedOut), rollbackProblems: []))
        #expect(error != .stepFailed(step: "imports", cause: ErrorCause(CommandError.timedOut(command: ["wacs.exe"], seconds: 6)), rollbackProblems: []))
        let denied = FileSystemError.cannotRead(path: "/j", errno: .permissionDenied)
        #expect(Diagnosis.cause(of: denied) as? Errno == .permissionDenied)
    }

    @Test("the problem codes in Formats/json-output.md are exactly verify's")
    func documentedProblemCodes() throws {
        let documented = try Self.documentedCodes(under: "Problem codes")
        let problems: [VerifyProblem] = [
            .unreadable(reason: ""), .headerMemberMissing(expected: "", found: nil), .headerMemberTooLarge(member: "", size: 0, limit: 0), .signature(""),
            .trustedCommentMismatch(expected: "", found: ""), .malformed(member: "", reason: ""), .listsDisagree(member: "", reason: ""),
            .invalidMemberPath(member: ""), .missing(member: ""), .extra(member: ""), .duplicate(member: ""), .outOfOrder(member: ""),
            .notRegular(member: "", kind: ""), .sizeMismatch(member: "", expected: 0, actual: 0), .checksumMismatch(member: "", expected: "", actual: ""),
            .truncated(member: nil, reason: ""), .neverCopy(member: "", markedBy: ""), .nameNotUTF8(member: ""),
            .limitExceeded(what: "", limit: 0, actual: 0), .unsafeTarget(member: "", target: "", reason: ""), .unsafeLink(member: "", link: "", reason: ""),
            .linkMismatch(member: "", expected: "", found: ""), .profileDigestMismatch(recorded: "", actual: ""),
            .profileRecordMismatch(field: "", recorded: "", found: ""), .duplicateTarget(member: "", other: "", target: ""),
            .unknownItem(member: "", item: ""), .roleMismatch(member: "", item: "", expected: "", found: ""), .memberOutsideItem(member: "", item: ""),
            .memberTargetMismatch(member: "", target: ""), .impossibleSize(member: "", size: 0, reason: ""), .skippedItemsDisagree(item: "", reason: ""),
            .nonCanonical(member: nil, range: "", reason: ""),
        ]
        #expect(Set(problems.map(\.code)) == Set(documented))
    }
}
