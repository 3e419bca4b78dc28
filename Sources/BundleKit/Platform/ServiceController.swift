import Foundation

/// Whether a service runs.
public enum ServiceState: String, Sendable, Codable, Equatable {
    /// Running (or starting).
    case running
    /// Stopped.
    case stopped
}

/// Stops, starts and asks about the product's services. One backend per OS, plus one that
/// calls a command (`--service-command PATH`) for unusual setups and for tests.
public protocol ServiceController: Sendable {
    /// The service's state now.
    func state(of name: String) throws -> ServiceState
    /// Stops it and waits until it has stopped.
    func stop(_ name: String) throws
    /// Starts it and waits until it runs.
    func start(_ name: String) throws
    /// Nil when the service manager can be called here, else why not (its program is missing
    /// or not executable). Asked in preflight, before any service is stopped.
    func availabilityProblem() -> String?
}

extension ServiceController {
    /// A controller without a program of its own (a test double) is always available.
    public func availabilityProblem() -> String? { nil }
}

/// Calls `PATH stop|start|status NAME`; `status` prints `running` or `stopped` (or exits
/// 0 for running, non-zero for stopped, as `systemctl is-active` does).
public struct CommandServiceController: ServiceController {
    /// The executable.
    public let path: String
    /// Seconds a stop or start may take.
    public var timeout = 120

    /// A controller calling `path`.
    public init(path: String) {
        self.path = path
    }

    public func availabilityProblem() -> String? {
        if path.contains("/") { return Access.executableProblem(path).map { "the --service-command \($0)" } }
        do {
            _ = try ExecutableSearch.executable(for: [path])
            return nil
        } catch {
            return "the --service-command \(error)"
        }
    }

    public func state(of name: String) throws -> ServiceState {
        do {
            let outcome = try CommandRunner.run([path, "status", name], timeout: timeout)
            return outcome.output.lowercased().contains("stopped") ? .stopped : .running
        } catch CommandError.failed {
            return .stopped
        }
    }

    public func stop(_ name: String) throws {
        try CommandRunner.run([path, "stop", name], timeout: timeout)
    }

    public func start(_ name: String) throws {
        try CommandRunner.run([path, "start", name], timeout: timeout)
    }
}

/// systemd, through `systemctl` (which waits for the job itself). Unit names follow `--`, so a
/// name from a profile or bundle that starts with `-` is a unit, never an option.
public struct SystemdServiceController: ServiceController {
    /// Seconds a stop or start may take.
    public var timeout = 300
    /// The `systemctl` program (another only in tests).
    public var program = "/usr/bin/systemctl"

    /// The controller.
    public init() {}

    public func availabilityProblem() -> String? {
        Access.executableProblem(program).map { "systemd's \($0) (pass --service-command PATH on a system without systemd)" }
    }

    public func state(of name: String) throws -> ServiceState {
        do {
            try CommandRunner.run([program, "is-active", "--quiet", "--", name], timeout: 30)
            return .running
        } catch CommandError.failed {
            return .stopped
        }
    }

    public func stop(_ name: String) throws {
        try CommandRunner.run([program, "stop", "--", name], timeout: timeout)
    }

    public func start(_ name: String) throws {
        try CommandRunner.run([program, "start", "--", name], timeout: timeout)
    }
}

/// The Windows service manager through `sc.exe`, which returns before the service has
/// changed state: poll `sc.exe query` until STOPPED or RUNNING.
public struct WindowsServiceController: ServiceController {
    /// Seconds a stop or start may take.
    public var timeout = 300
    static let sc = "C:\\Windows\\System32\\sc.exe"

    /// The controller.
    public init() {}

    public func availabilityProblem() -> String? {
        Access.executableProblem(Self.sc).map { "the Windows service manager \($0) (pass --service-command PATH to manage services another way)" }
    }

    public func state(of name: String) throws -> ServiceState {
        let output = try CommandRunner.run([Self.sc, "query", name], timeout: 30).output
        return output.contains("RUNNING") || output.contains("START_PENDING") ? .running : .stopped
    }

    public func stop(_ name: String) throws {
        try CommandRunner.run([Self.sc, "stop", name], timeout: 60)
        try wait(name, for: .stopped)
    }

    public func start(_ name: String) throws {
        try CommandRunner.run([Self.sc, "start", name], timeout: 60)
        try wait(name, for: .running)
    }

    private func wait(_ name: String, for wanted: ServiceState) throws {
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while try state(of: name) != wanted {
            guard Date() < deadline else { throw CommandError.timedOut(command: [Self.sc, "query", name], seconds: timeout) }
            Thread.sleep(forTimeInterval: 1)
        }
    }
}

extension Host {
    /// The service backend of `os`.
    public static func serviceController(os: OSFamily = .current) -> ServiceController {
        os == .windows ? WindowsServiceController() : SystemdServiceController()
    }
}
