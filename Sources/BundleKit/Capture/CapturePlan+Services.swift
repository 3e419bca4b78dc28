/// Which of the profile's services the capture stops, and which it leaves stopped.
extension CapturePlan {
    /// The services to stop before the files are read, in the profile's order: all of them
    /// with `stopServices`, else those whose `after-capture` says `stopped`; and the names of
    /// those not to start again afterwards.
    static func servicesToStop(options: CaptureOptions, variables: [String: String]) throws -> (stop: [String], leaveStopped: Set<String>) {
        var stop: [String] = []
        var leaveStopped: Set<String> = []
        for service in options.profile.services {
            let name = try VariableResolver.expand(service.name, with: variables, context: "services")
            if name.isEmpty { continue }  // not installed here (--var NAME=)
            let after = try service.afterCapture.map { try VariableResolver.expand($0, with: variables, context: "services") } ?? "running"
            switch after {
            case "running":
                if options.stopServices { stop.append(name) }
            case "stopped":
                stop.append(name)
                leaveStopped.insert(name)
            default:
                throw ProfileError.invalidTemplate(
                    template: service.afterCapture ?? "", context: "services",
                    reason: "after-capture of \(name) is '\(after)'; give running or stopped (--var)")
            }
        }
        return (stop, leaveStopped)
    }
}
