import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle profiles`: the shipped profiles, and what one does on a given OS.
    struct Profiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the shipped profiles, or show what one captures and restores.",
            subcommands: [List.self, Show.self])
    }
}

extension BundleCommand.Profiles {
    /// `bundle profiles list`.
    struct List: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the shipped profiles (share/bundle/Formats beside the program, a checkout's Formats/, $BUNDLE_FORMATS).")

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let profiles = try ProfileCatalog.list(ProfileLocations.current.loader)
            if output.json {
                JSONOutput.print(["profiles": profiles])
                return
            }
            let width = profiles.map(\.id.count).max() ?? 0
            for profile in profiles {
                Terminal.out("\(profile.id.padded(width))  \(profile.name) (profile version \(profile.version))")
            }
        }
    }

    /// `bundle profiles show ID`.
    struct Show: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a profile resolved for this OS (or --os): variables, items, services, the restore plan, the checklist.")

        @Argument(help: "A profile id (Formats/<id>.yaml) or a profile file.", completion: .profiles)
        var profile: String

        @Option(name: .long, help: "Resolve defaults as on this OS (linux, windows, macos).")
        var os: OSFamily = .current

        @Option(name: .customLong("var"), help: ArgumentHelp("Set a profile variable.", valueName: "NAME=VALUE"))
        var variables: [String] = []

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let loaded = try ProfileLocations.current.loader.load(profile)
            let shown = try ProfileCatalog.describe(loaded, os: os, overrides: try VariableResolver.parseOverrides(variables))
            if output.json {
                JSONOutput.print(shown)
                return
            }
            Terminal.out("\(shown.summary.name) (\(shown.summary.id), profile version \(shown.summary.version)), resolved for \(shown.os.rawValue)")
            if let text = shown.summary.description { Terminal.out(text) }
            Terminal.out("\nvariables (override with --var NAME=VALUE):")
            for variable in shown.variables {
                let value = variable.value ?? "(no value on \(shown.os.rawValue): pass --var \(variable.name)=...)"
                Terminal.out("  \(variable.name) = \(value)\(variable.overridden ? "  [--var]" : "")")
                if let text = variable.description { Terminal.out("      \(text)") }
            }
            if !shown.items.isEmpty {
                Terminal.out("\nitems:")
                for item in shown.items {
                    let flags = [item.required ? "required" : "optional", item.encrypted ? "encrypted" : nil, item.keepsSymlinks ? "links kept" : nil, item.keepsSpecialBits ? "setuid/setgid kept" : nil].compactMap { $0 }
                    Terminal.out("  \(item.id) (\(item.kind), \(item.role), \(flags.joined(separator: ", "))): \(item.location)")
                    if let command = item.importCommand { Terminal.out("      imported by: \(command)") }
                    if let path = item.neverCopy { Terminal.out("      never copied raw: \(path)") }
                    if let pattern = item.privateKeys { Terminal.out("      private keys (encrypted): \(pattern)") }
                }
            }
            if !shown.services.isEmpty { Terminal.out("\nservices: \(shown.services.joined(separator: ", "))") }
            if !shown.captureBefore.isEmpty || !shown.captureAfter.isEmpty || !shown.captureRewrites.isEmpty {
                Terminal.out("\ncapture steps:")
                for rewrite in shown.captureRewrites { Terminal.out("  for the capture only (original bytes always put back): \(rewrite)") }
                for command in shown.captureBefore { Terminal.out("  before: \(command)") }
                for command in shown.captureAfter { Terminal.out("  after (always): \(command)") }
            }
            Terminal.out("\nrestore plan:")
            for (index, step) in shown.plan.enumerated() { Terminal.out("  \(index + 1). \(step)") }
            if !shown.checklist.isEmpty {
                Terminal.out("\nchecklist (${Name} is filled in at restore from --set/--var):")
                for step in shown.checklist { Terminal.out("  [ ] \(step)") }
            }
        }
    }
}
