import BundleCrypto
import BundleKit

/// Each option group sets its own fields on the library's options, so a command says
/// `location.apply(to: &options)` instead of copying `root`, `os` and `overrides` by hand (as
/// `PostCheckOptions.apply(to:)` does). A library options type takes part by conforming to the
/// protocol of the fields it has.

/// Library options with a root, an OS and `--var` values: restore, capture, snapshot, diff.
protocol LocatedOptions {
    var root: String { get set }
    var os: OSFamily { get set }
    var overrides: [String: String] { get set }
}

/// Library options with `--set` values and a service manager: restore, capture, snapshot.
protocol OperatedOptions {
    var settings: [String: String] { get set }
    var services: ServiceController? { get set }
}

/// Library options that open encrypted members: restore, diff.
protocol UnlockedOptions {
    var unlock: AgeUnlock? { get set }
    /// Keeps the files the key came from, for messages (restore names them when they do not fit).
    mutating func recordUnlockSources(_ sources: [String])
}

extension UnlockedOptions {
    mutating func recordUnlockSources(_ sources: [String]) {}
}

extension RestoreOptions: LocatedOptions, OperatedOptions, UnlockedOptions {
    mutating func recordUnlockSources(_ sources: [String]) { unlockSources = sources }
}
extension CaptureOptions: LocatedOptions, OperatedOptions {}
extension SnapshotOptions: LocatedOptions, OperatedOptions {}
extension DiffOptions: LocatedOptions, UnlockedOptions {}

extension LocationOptions {
    /// Sets `root` (made absolute), `os` and the `--var` values.
    func apply(to options: inout some LocatedOptions) throws {
        options.root = absoluteRoot
        options.os = os
        options.overrides = try overrides()
    }
}

extension OperationOptions {
    /// Sets the `--set` values and, when `--service-command` is given, the service manager.
    func apply(to options: inout some OperatedOptions) throws {
        options.settings = try settings()
        options.services = services
    }
}

extension UnlockOptions {
    /// Sets the identities or passphrase (and, for a restore, the files they came from).
    func apply(to options: inout some UnlockedOptions) throws {
        options.unlock = try unlock()
        options.recordUnlockSources(sources)
    }
}

extension LimitOptions {
    /// Sets the bounds a bundle is held to.
    func apply(to options: inout RestoreOptions) throws {
        options.limits = try limits()
    }
}
