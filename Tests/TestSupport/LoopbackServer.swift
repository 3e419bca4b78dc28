import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real server on 127.0.0.1 for checks to reach: python3's socket module (a bare TCP
/// listener) or its `http.server` (a folder served over HTTP). Stopped when released.
public final class LoopbackServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: UInt16
    private let process: Process

    /// `host:port`, as a tcp check takes it.
    public var address: String { "127.0.0.1:\(port)" }

    private init(script: String, port: UInt16) throws {
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The script prints "up" once it listens.
        _ = pipe.fileHandleForReading.readData(ofLength: 3)
    }

    /// A listener that accepts connections and says nothing.
    public static func tcp() throws -> LoopbackServer {
        let port = try LoopbackPort.free()
        return try LoopbackServer(script: """
            import socket, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', \(port))); s.listen(16); print('up', flush=True)
            while True:
                c, _ = s.accept(); c.close()
            """, port: port)
    }

    /// An HTTP server answering GETs from the files under `folder` (404 for a missing one).
    public static func http(serving folder: URL) throws -> LoopbackServer {
        let port = try LoopbackPort.free()
        return try LoopbackServer(script: """
            import functools, http.server
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=\(String(reflecting: folder.path)))
            server = http.server.ThreadingHTTPServer(('127.0.0.1', \(port)), handler)
            print('up', flush=True)
            server.serve_forever()
            """, port: port)
    }

    deinit {
        // SIGKILL: a child Foundation's Process starts from a test thread inherits that
        // thread's blocked signals, SIGTERM among them, and would never stop.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
