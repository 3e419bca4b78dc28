import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The TCP probe behind `tcp:` checks, on loopback only.
@Suite("network probe")
struct NetworkTests {
    @Test("a listening port connects; a closed one does not, at once")
    func probe() throws {
        let port = try LoopbackPort.free()
        #expect(!Network.connects(host: "127.0.0.1", port: port), "nothing listens yet")
        // A real listener: python's socket module, as a separate process.
        let script = "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', \(port))); s.listen(); print('up', flush=True); time.sleep(20)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer { process.terminate() }
        _ = pipe.fileHandleForReading.readData(ofLength: 3)
        let start = Date()
        #expect(Network.connects(host: "127.0.0.1", port: port))
        #expect(Date().timeIntervalSince(start) < 2)
    }
}
