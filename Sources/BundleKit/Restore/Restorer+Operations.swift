/// Resolving the profile's services, checks, rewrites and steps for the target.
extension Restorer {
    func resolveOperations(
        of profile: Profile, manifest: Manifest, variables: [String: String], mapper: PathMapper, into plan: inout RestorePlan
    ) throws {
        let placeholders = ["root": options.root]
        func command(_ spec: CommandSpec, _ context: String) throws -> RestorePlan.Command {
            .init(
                argv: try CommandTemplate.resolve(spec.run, variables: variables, placeholders: placeholders, context: context),
                timeout: spec.timeout, outputLacks: spec.outputLacks)
        }
        func check(_ spec: PreflightCheck, _ context: String) throws -> RestorePlan.Check {
            switch spec {
            case .exists(let path): return .exists(try mapper.hostPath(for: try VariableResolver.expand(path, with: variables, context: context)))
            case .run(let spec): return .run(try command(spec, context))
            case .jsonPathsExist(let file, let pointers):
                let expanded = try VariableResolver.expand(file, with: variables, context: context)
                let (folder, pattern) = PathTemplate.split(expanded)
                // A glob (in the last component) names the bundle's files there (Restorer+BundledChecks).
                let host = GlobPattern.hasWildcard(pattern) ? HostPath.join(try mapper.hostPath(for: folder), pattern) : try mapper.hostPath(for: expanded)
                return .jsonPathsExist(file: host, pointers: pointers, mapper: mapper)
            }
        }
        // A service whose name resolves to nothing (--var ReportingService=) is not installed here.
        plan.services = try profile.services.map { try VariableResolver.expand($0.name, with: variables, context: "services") }.filter { !$0.isEmpty }
        // Values: profile variables, then --set recorded at capture, then --set given now.
        let values = variables.merging(manifest.settings) { $1 }.merging(options.settings) { $1 }
        plan.preflight = try profile.preflight.map { try check($0, "preflight") }
        Self.planBundledChecks(&plan)
        plan.afterFiles = try profile.steps.restoreAfterFiles.filter { try $0.applies(with: variables, context: "steps.restore.after-files") }
            .map { try command($0, "steps.restore.after-files") }
        plan.postChecks = try profile.postChecks.compactMap { postCheck in
            switch postCheck {
            case .tcp(let address, let within):
                // An address may be a --set value (the agent's new manager); no command runs it.
                let text: String
                do {
                    text = try VariableResolver.expand(address, with: values, context: "post-checks")
                } catch ProfileError.undefinedVariable(let name, _) {
                    if options.skipPostChecks { return nil }
                    throw ProfileError.invalidTemplate(
                        template: address, context: "post-checks",
                        reason: "no value for \(name): pass --set \(name)=... (or --skip-post-checks)")
                }
                guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
                    throw ProfileError.invalidTemplate(template: address, context: "post-checks", reason: "a tcp check is host:port")
                }
                return (.tcp(host: String(text[..<colon]), port: port), within)
            case .run(let spec, let within): return (.run(try command(spec, "post-checks")), within)
            case .exists(let path, let within): return (try check(.exists(path), "post-checks"), within)
            case .http, .linksInside, .iniPathsExist:
                return (try contentCheck(postCheck, variables: variables, mapper: mapper), postCheck.within)
            }
        }
        plan.rewrites = try profile.rewrites.flatMap { spec in
            try resolveRewrite(spec, manifest: manifest, variables: variables, values: values, mapper: mapper, files: plan.files)
        }
        // The checklist travels as templates in the signed manifest; it is filled in here, for
        // the target, so "set the GPO to ${ServerUrl}" reads as the URL to type.
        plan.checklist = manifest.checklist.map { Self.expandChecklistStep($0, with: values) }
    }

    /// `step` with each `${Name}` replaced by its value; a name without one becomes a visible
    /// placeholder (`<ServerUrl: pass --set ServerUrl=...>`) rather than failing the restore
    /// at its last step. A malformed step is printed as written.
    static func expandChecklistStep(_ step: String, with values: [String: String]) -> String {
        guard let parts = try? Template.parse(step, context: "checklist") else { return step }
        return parts.map { part in
            switch part {
            case .literal(let text): return text
            case .variable(let name): return values[name] ?? "<\(name): pass --set \(name)=...>"
            }
        }.joined()
    }
}
