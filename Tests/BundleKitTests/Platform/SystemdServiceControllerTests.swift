import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// systemd's controller hands unit names to `systemctl` after `--`, so a name from a profile
/// or a bundle that starts with `-` is a unit, never an option.
@Suite("systemd service controller")
struct SystemdServiceControllerTests {
    @Test("is-active, stop and start pass the unit after --")
    func doubleDash() throws {
        let folder = try TemporaryDirectory("systemctl")
        let script = try folder.write("systemctl", "#!/bin/sh\nprintf '%s|' \"$@\" >> \"$(dirname \"$0\")/calls.log\"\necho >> \"$(dirname \"$0\")/calls.log\"\n", mode: 0o755)
        var controller = SystemdServiceController()
        controller.program = script.path
        #expect(controller.availabilityProblem() == nil)
        #expect(try controller.state(of: "--now") == .running)
        try controller.stop("-H remote")
        try controller.start("certbot.timer")
        let calls = try String(contentsOf: folder.path("calls.log"), encoding: .utf8).split(separator: "\n")
        #expect(calls == ["is-active|--quiet|--|--now|", "stop|--|-H remote|", "start|--|certbot.timer|"])
    }
}
