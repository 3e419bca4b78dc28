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
    let before: [CaptureJournal.Command]
    let after: [CaptureJournal.Command]
    let services: [String]
    let rewrites: [Rewrite]

    init(options: CaptureOptions) throws {
        let profile = options.profile
        try profile.checkNames(overrides: options.overrides, settings: options.settings)
        try TargetRoot.check(options.root, mustExist: true)
        let variables = try VariableResolver(profile: profile, os: options.os, overrides: options.overrides).resolve()
        let placeholders = ["root": options.root]
        func commands(_ specs: [CommandSpec], _ context: String) throws -> [CaptureJournal.Command] {
            try specs.filter { try $0.applies(with: variables, context: context) }.map {
                .init(run: try CommandTemplate.resolve($0.run, variables: variables, placeholders: placeholders, context: context), timeout: $0.timeout)
            }
        }
        self.variables = variables
        before = try commands(profile.steps.captureBefore, "steps.capture.before")
        after = try commands(profile.steps.captureAfter, "steps.capture.after")
        services = options.stopServices
            ? try profile.services.map { try VariableResolver.expand($0.name, with: variables, context: "services") } : []
        let mapper = PathMapper(root: options.root, os: options.os)
        let values = variables.merging(options.settings) { $1 }
        rewrites = try profile.steps.captureRewrites.map { spec in
            let context = "steps.capture.rewrites"
            return Rewrite(
                hostPath: try mapper.hostPath(for: try VariableResolver.expand(spec.file, with: variables, context: context)),
                target: spec.target, value: try VariableResolver.expand(spec.value, with: values, context: context), type: spec.type)
        }
    }
}
