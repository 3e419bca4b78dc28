import ArchiveIO
import BundleCrypto

/// `DiffError`'s code and hint (see `DiagnosableError`).
extension DiffError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case identityNeedsKey = "diff-identity-needs-key"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .identityNeedsKey: .identityNeedsKey
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .identityNeedsKey: "Add --pubkey FILE, or leave out --identity to list them as not compared."
        }
    }

    public var file: String? {
        switch self {
        case .identityNeedsKey(let bundle): bundle
        }
    }
}

/// `ManifestError`'s codes and hints.
extension ManifestError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case malformedManifest = "manifest-malformed"
        case unsupportedVersion = "manifest-unsupported-version"
        case malformedChecksumLine = "manifest-malformed-checksum-line"
        case duplicateChecksum = "manifest-duplicate-checksum"
        case tooDeeplyNested = "manifest-too-deeply-nested"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .malformedManifest: .malformedManifest
        case .unsupportedVersion: .unsupportedVersion
        case .malformedChecksumLine: .malformedChecksumLine
        case .duplicateChecksum: .duplicateChecksum
        case .tooDeeplyNested: .tooDeeplyNested
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .malformedManifest: "Capture it again."
        case .unsupportedVersion: "Upgrade bundle to read it."
        case .malformedChecksumLine, .duplicateChecksum, .tooDeeplyNested: "Do not trust this bundle; get an intact copy from its source."
        }
    }

    public var file: String? {
        switch self {
        case .malformedChecksumLine, .duplicateChecksum: BundleLayout.checksums
        case .malformedManifest, .unsupportedVersion, .tooDeeplyNested: BundleLayout.manifest
        }
    }

    /// The decoder's error, when the manifest is not the JSON expected.
    public var cause: (any Error)? {
        if case .malformedManifest(_, let cause?) = self { return cause.error }
        return nil
    }
}

/// `RewriteError`'s codes and hints.
extension RewriteError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case unsupportedEncoding = "rewrite-unsupported-encoding"
        case malformed = "rewrite-malformed-file"
        case invalidTarget = "rewrite-invalid-target"
        case notFound = "rewrite-target-not-found"
        case ambiguous = "rewrite-target-ambiguous"
        case notAValue = "rewrite-target-not-a-value"
        case invalidValue = "rewrite-invalid-value"
        case guardNotFound = "rewrite-guard-not-found"
        case validationFailed = "rewrite-validation-failed"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .unsupportedEncoding: .unsupportedEncoding
        case .malformed: .malformed
        case .invalidTarget: .invalidTarget
        case .notFound: .notFound
        case .ambiguous: .ambiguous
        case .notAValue: .notAValue
        case .invalidValue: .invalidValue
        case .guardNotFound: .guardNotFound
        case .validationFailed: .validationFailed
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .unsupportedEncoding: "Save the file in one of these, then retry."
        case .malformed: "Fix the file (or restore it from a backup) and retry."
        case .invalidTarget: "Fix the profile's rewrite."
        case .notFound: "Check the file is the product's config, or fix the profile's rewrite."
        case .ambiguous: "Remove the duplicate from the file, or make the profile's rewrite more specific."
        case .notAValue: "Point the profile's rewrite at a single value."
        case .invalidValue: "Pass a different value with --set, or change the file by hand."
        case .guardNotFound: "Check the file, or fix the profile's guard."
        case .validationFailed: "Please report it, and change the value by hand."
        }
    }

    public var file: String? {
        switch self {
        case .unsupportedEncoding(let file, _), .malformed(let file, _, _, _), .invalidTarget(let file, _, _), .notFound(let file, _, _),
            .ambiguous(let file, _, _), .notAValue(let file, _, _, _), .invalidValue(let file, _, _, _), .guardNotFound(let file, _, _),
            .validationFailed(let file, _, _):
            file
        }
    }
}

/// `ArchiveError`'s codes; the hint is ArchiveIO's own.
extension ArchiveError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case library = "archive-failed"
        case unsupportedFormat = "archive-unsupported-format"
        case sizeMismatch = "archive-size-mismatch"
        case invalidHeader = "archive-invalid-header"
        case invalidState = "archive-invalid-state"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .library: .library
        case .unsupportedFormat: .unsupportedFormat
        case .sizeMismatch: .sizeMismatch
        case .invalidHeader: .invalidHeader
        case .invalidState: .invalidState
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? { fix }

    public var file: String? { path }
}

/// `SignatureError`'s codes; the hint is BundleCrypto's own.
extension SignatureError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case malformedKey = "key-malformed"
        case unsupportedAlgorithm = "key-unsupported-algorithm"
        case encryptedSecretKey = "key-password-protected"
        case secretKeyChecksumMismatch = "key-damaged"
        case malformedSignature = "signature-malformed"
        case keyIDMismatch = "signature-key-mismatch"
        case invalidSignature = "signature-invalid"
        case invalidGlobalSignature = "signature-trusted-comment-altered"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .malformedKey: .malformedKey
        case .unsupportedAlgorithm: .unsupportedAlgorithm
        case .encryptedSecretKey: .encryptedSecretKey
        case .secretKeyChecksumMismatch: .secretKeyChecksumMismatch
        case .malformedSignature: .malformedSignature
        case .keyIDMismatch: .keyIDMismatch
        case .invalidSignature: .invalidSignature
        case .invalidGlobalSignature: .invalidGlobalSignature
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? { fix }

    public var file: String? {
        switch self {
        case .malformedKey(let source, _), .unsupportedAlgorithm(let source, _), .encryptedSecretKey(let source),
            .secretKeyChecksumMismatch(let source), .malformedSignature(let source, _), .keyIDMismatch(let source, _, _),
            .invalidSignature(let source), .invalidGlobalSignature(let source):
            source
        }
    }
}

/// `AgeError`'s codes; the hint is BundleCrypto's own.
extension AgeError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case invalidRecipient = "age-invalid-recipient"
        case invalidIdentity = "age-invalid-identity"
        case invalidKeyFile = "age-invalid-key-file"
        case noKeysInFile = "age-no-keys-in-file"
        case noRecipients = "age-no-recipients"
        case noIdentities = "age-no-identities"
        case emptyPassphrase = "age-empty-passphrase"
        case invalidWorkFactor = "age-invalid-work-factor"
        case armored = "age-armored"
        case notAgeFile = "age-not-age-file"
        case unsupportedVersion = "age-unsupported-version"
        case malformedHeader = "age-malformed-header"
        case nonCanonicalBase64 = "age-non-canonical-base64"
        case headerTooLarge = "age-header-too-large"
        case scryptNotAlone = "age-scrypt-not-alone"
        case workFactorTooHigh = "age-work-factor-too-high"
        case lowOrderPoint = "age-low-order-point"
        case noIdentityMatched = "age-no-identity-matched"
        case passphraseRequired = "age-passphrase-required"
        case notPassphraseEncrypted = "age-not-passphrase-encrypted"
        case wrongPassphrase = "age-wrong-passphrase"
        case headerMACMismatch = "age-header-mac-mismatch"
        case truncated = "age-truncated"
        case chunkAuthenticationFailed = "age-chunk-authentication-failed"
        case emptyLastChunk = "age-empty-last-chunk"
        case trailingData = "age-trailing-data"
        case scryptFailed = "age-scrypt-failed"
        case alreadyFinished = "age-already-finished"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .invalidRecipient: .invalidRecipient
        case .invalidIdentity: .invalidIdentity
        case .invalidKeyFile: .invalidKeyFile
        case .noKeysInFile: .noKeysInFile
        case .noRecipients: .noRecipients
        case .noIdentities: .noIdentities
        case .emptyPassphrase: .emptyPassphrase
        case .invalidWorkFactor: .invalidWorkFactor
        case .armored: .armored
        case .notAgeFile: .notAgeFile
        case .unsupportedVersion: .unsupportedVersion
        case .malformedHeader: .malformedHeader
        case .nonCanonicalBase64: .nonCanonicalBase64
        case .headerTooLarge: .headerTooLarge
        case .scryptNotAlone: .scryptNotAlone
        case .workFactorTooHigh: .workFactorTooHigh
        case .lowOrderPoint: .lowOrderPoint
        case .noIdentityMatched: .noIdentityMatched
        case .passphraseRequired: .passphraseRequired
        case .notPassphraseEncrypted: .notPassphraseEncrypted
        case .wrongPassphrase: .wrongPassphrase
        case .headerMACMismatch: .headerMACMismatch
        case .truncated: .truncated
        case .chunkAuthenticationFailed: .chunkAuthenticationFailed
        case .emptyLastChunk: .emptyLastChunk
        case .trailingData: .trailingData
        case .scryptFailed: .scryptFailed
        case .alreadyFinished: .alreadyFinished
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? { fix }

    public var file: String? {
        if case .invalidKeyFile(let source, _, _) = self { return source }
        if case .noKeysInFile(let source) = self { return source }
        return nil
    }
}
