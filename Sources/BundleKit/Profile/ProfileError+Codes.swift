/// `ProfileError`'s codes, hints and files (see `DiagnosableError`).
extension ProfileError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case yamlSyntax = "profile-yaml-syntax"
        case unknownKey = "profile-unknown-key"
        case missingKey = "profile-missing-key"
        case duplicateKey = "profile-duplicate-key"
        case wrongType = "profile-wrong-type"
        case unknownRole = "profile-unknown-role"
        case invalidValue = "profile-invalid-value"
        case duplicateItemID = "profile-duplicate-item-id"
        case duplicateVariable = "profile-duplicate-variable"
        case unsupportedVersion = "profile-unsupported-version"
        case notFound = "profile-not-found"
        case noProfileFolder = "profile-folder-missing"
        case unreadable = "profile-unreadable"
        case undefinedVariable = "profile-undefined-variable"
        case variableCycle = "profile-variable-cycle"
        case unknownName = "profile-unknown-name"
        case invalidOverride = "profile-invalid-override"
        case invalidTemplate = "profile-invalid-template"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .yamlSyntax: .yamlSyntax
        case .unknownKey: .unknownKey
        case .missingKey: .missingKey
        case .duplicateKey: .duplicateKey
        case .wrongType: .wrongType
        case .unknownRole: .unknownRole
        case .invalidValue: .invalidValue
        case .duplicateItemID: .duplicateItemID
        case .duplicateVariable: .duplicateVariable
        case .unsupportedVersion: .unsupportedVersion
        case .notFound: .notFound
        case .noProfileFolder: .noProfileFolder
        case .unreadable: .unreadable
        case .undefinedVariable: .undefinedVariable
        case .variableCycle: .variableCycle
        case .unknownName: .unknownName
        case .invalidOverride: .invalidOverride
        case .invalidTemplate: .invalidTemplate
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .yamlSyntax, .wrongType, .invalidValue, .invalidTemplate:
            return "Fix the profile at that place (Formats/profile-format.md describes every key)."
        case .unknownKey: return "Fix the key or remove it."
        case .missingKey(_, _, let key, _): return key.contains("|") ? "Add exactly one." : "Add it."
        case .duplicateKey: return "Keep one."
        case .unknownRole: return "Use one of these; 'other' fits anything else."
        case .duplicateItemID: return "Give each item its own id."
        case .duplicateVariable: return "Keep one declaration."
        case .unsupportedVersion: return "Upgrade bundle to use this profile."
        case .notFound: return "Run `bundle profiles list` to see the shipped profiles, or pass the path of a .yaml file."
        case .noProfileFolder: return "Install bundle with its profiles (scripts/install, or the .deb), set BUNDLE_FORMATS=DIR, or pass --profile FILE.yaml."
        case .unreadable: return "Check that the file exists, that you may read it and that it is UTF-8 text."
        case .undefinedVariable(let name, _): return "Declare it under 'variables:' with a value for this system, or pass --var \(name)=VALUE."
        case .variableCycle: return "Break the cycle, or set one of them with --var NAME=VALUE."
        case .unknownName(_, let name, let profile, _, _, let otherOption):
            if let otherOption { return "Pass it as \(otherOption) \(name)=VALUE." }
            return "Fix the name (`bundle profiles show \(profile)` lists them)."
        case .invalidOverride: return "Write it as NAME=VALUE."
        }
    }

    public var file: String? {
        switch self {
        case .yamlSyntax(let file, _, _), .unknownKey(let file, _, _, _, _), .missingKey(let file, _, _, _),
            .duplicateKey(let file, _, _, _, _), .wrongType(let file, _, _, _, _, _), .unknownRole(let file, _, _, _),
            .invalidValue(let file, _, _, _), .duplicateItemID(let file, _, _, _), .duplicateVariable(let file, _, _, _),
            .unsupportedVersion(let file, _, _), .unreadable(let file, _, _):
            return file
        case .notFound, .noProfileFolder, .undefinedVariable, .variableCycle, .unknownName, .invalidOverride, .invalidTemplate:
            return nil
        }
    }

    public var cause: (any Error)? {
        if case .unreadable(_, _, let cause) = self { return cause?.error }
        return nil
    }
}
