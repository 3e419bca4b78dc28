import Foundation

/// A capture resolved for its source before anything runs: the variables, the commands
/// around it, the services to stop and the source files to change for its duration. Every
/// mistake in the profile or the command line (an unknown `--var`, a missing `--root`, a bad
/// template) is found here, before the source is touched.
struct CapturePlan {
    /// One capture rewrite, resolved: the file on this machine and the value to write.
    struct Rewrite {
        var hostPath: String
        var target: RewriteTarget
        var value: String
        var type: RewriteValueType
    }

    let variables: [String: String]
    /// `--var` values, with those a variable's `from-json` found in the product's settings.
    let overrides: [String: String]
    let before: [CaptureJournal.Command]
    let after: [CaptureJournal.Command]
    /// The services to stop before the files are read, in the profile's order.
    let services: [String]
    /// Those not to start again after a capture that succeeded (`after-capture: stopped`).
    let leaveStopped: Set<String>
    let rewrites: [Rewrite]

    init(options: CaptureOptions) throws {
        let profile = options.profile
        try profile.checkNames(overrides: options.overrides, settings: options.settings)
        try TargetRoot.check(options.root, mustExist: true)
        let overrides = try Self.derivedOverrides(options: options)
        let variables = try VariableResolver(profile: profile, os: options.os, overrides: overrides).resolve()
        self.overrides = overrides
        let placeholders = ["root": options.root]
        func commands(_ specs: [CommandSpec], _ context: String) throws -> [CaptureJournal.Command] {
            try specs.filter { try $0.applies(with: variables, context: context) }.map {
                .init(run: try CommandTemplate.resolve($0.run, variables: variables, placeholders: placeholders, context: context), timeout: $0.timeout)
            }
        }
        self.variables = variables
        before = try commands(profile.steps.captureBefore, "steps.capture.before")
        after = try commands(profile.steps.captureAfter, "steps.capture.after")
        (services, leaveStopped) = try Self.servicesToStop(options: options, variables: variables)
        let mapper = PathMapper(root: options.root, os: options.os)
        let values = variables.merging(options.settings) { $1 }
        rewrites = try profile.steps.captureRewrites.map { spec in
            let context = "steps.capture.rewrites"
            return Rewrite(
                hostPath: try mapper.hostPath(for: try VariableResolver.expand(spec.file, with: variables, context: context)),
                target: spec.target, value: try VariableResolver.expand(spec.value, with: values, context: context), type: spec.type)
        }
    }

    /// `options.overrides` plus, for each variable with `from-json` that `--var` does not set,
    /// the non-empty text its pointer names in its file on the source (read before anything
    /// changes, so a capture rewrite cannot have touched it). A file that is missing or not
    /// JSON, or a pointer that names nothing, null or "", leaves the default.
    static func derivedOverrides(options: CaptureOptions) throws -> [String: String] {
        var overrides = options.overrides
        let derived = options.profile.variables.filter { $0.spec.fromJSON != nil && options.overrides[$0.name] == nil }
        guard !derived.isEmpty else { return overrides }
        let mapper = PathMapper(root: options.root, os: options.os)
        // One pass in declaration order: a later variable's file may use an earlier one's value.
        for variable in derived {
            guard let (file, pointer) = variable.spec.fromJSON else { continue }
            let variables = try VariableResolver(profile: options.profile, os: options.os, overrides: overrides).resolve()
            let path = try mapper.hostPath(for: try VariableResolver.expand(file, with: variables, context: "variable '\(variable.name)' from-json"))
            guard var data = FileManager.default.contents(atPath: path) else { continue }
            if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
            guard let document = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
                let value = CheckRunner.jsonValue(at: pointer, in: document) as? String, !value.isEmpty
            else { continue }
            overrides[variable.name] = value
        }
        return overrides
    }
}
