import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A real nginx (Debian's `nginx` package) behind `--service-command`
/// (`Fixtures/nginx-service/service`): `bundle restore` of a new TLS certificate and key stops
/// the server, lays the files down, starts it again and returns promptly, although the nginx
/// master it starts keeps the command's standard error open (`error_log stderr;`).
@Suite("restore with a real nginx")
struct NginxCLITests {
    /// nginx on PATH, or where Debian installs it; nil when it is not installed.
    static let nginx: String? = ExternalTool.find("nginx")?.path
        ?? (FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") ? "/usr/sbin/nginx" : nil)

    static let profile = """
        version: 1
        id: nginx-tls
        name: nginx TLS certificate
        description: The certificate and key a real nginx serves, for the process tests.
        variables:
          TlsDir: /etc/nginx-test/tls
          Port: '443'
        items:
          - id: certificate
            path: ${TlsDir}/server.crt
            role: certificate
          - id: key
            path: ${TlsDir}/server.key
            role: private-key
        services:
          - nginx-test
        post-checks:
          - tcp: 127.0.0.1:${Port}
            within: 30
        checklist:
          - Check the certificate in a browser.

        """

    @Test("restore of a new certificate stops nginx, writes the files, starts nginx, returns promptly; the new certificate is served",
          .enabled(if: nginx != nil && ExternalTool.find("openssl") != nil,
                   "needs nginx and openssl: scripts/setup installs Debian's nginx and openssl packages"))
    func newCertificate() throws {
        let work = try TemporaryDirectory("nginx")
        let port = try LoopbackPort.free()
        let tls = "etc/nginx-test/tls"
        let oldCertificate = try makeCertificate("old.bundle.test", in: work.path("target/\(tls)"))
        let newCertificate = try makeCertificate("new.bundle.test", in: work.path("source/\(tls)"))
        #expect(oldCertificate != newCertificate)

        let prefix = work.path("nginx")
        for folder in ["logs", "tmp"] {
            try FileManager.default.createDirectory(at: prefix.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let service = prefix.appendingPathComponent("service").path
        try FileManager.default.copyItem(atPath: FixturePaths.fixture("nginx-service/service").path, toPath: service)
        try configuration(port: port, prefix: prefix.path, tls: work.path("target/\(tls)").path)
            .write(to: prefix.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let pidFile = prefix.appendingPathComponent("logs/nginx.pid")
        func masterPID() -> pid_t? {
            (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        defer {
            // However the test ends, no nginx of it is left running.
            _ = try? control(service, "stop")
            if let pid = masterPID() { kill(pid, SIGKILL) }
        }

        let start = try control(service, "start")
        #expect(start.status == 0, "\(start.output)")
        #expect(try served(on: port) == oldCertificate)
        let oldMaster = try #require(masterPID())

        try work.write("nginx-tls.yaml", Self.profile)
        func bundle(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try detached(ProductsDirectory.bundle, arguments, in: work.url, log: work.path("bundle.log").path)
        }
        #expect(try bundle(["keygen", "--out", "sign"]).status == 0)
        #expect(try bundle(["keygen", "--age", "--out", "age"]).status == 0)
        let create = try bundle([
            "create", "--profile", work.path("nginx-tls.yaml").path, "--root", work.path("source").path, "--var", "Port=\(port)",
            "--sign-key", "sign.key", "--recipient", "age.recipient", "--out", "tls.bundle",
        ])
        #expect(create.status == 0, "\(create.output)")

        var restore: (status: Int32, output: String)?
        let elapsed = try ContinuousClock().measure {
            restore = try bundle([
                "restore", "tls.bundle", "--pubkey", "sign.pub", "--identity", "age.identity", "--root", work.path("target").path,
                "--service-command", service,
            ])
        }
        let restored = try #require(restore)
        #expect(restored.status == 0, "\(restored.output)")
        #expect(elapsed < .seconds(20), "restore took \(elapsed)")
        let calls = (try? String(contentsOf: prefix.appendingPathComponent("calls.log"), encoding: .utf8)) ?? ""
        #expect(calls == "service start nginx-test\nservice stop nginx-test\nservice start nginx-test\n")
        #expect(try String(contentsOf: work.path("target/\(tls)/server.key"), encoding: .utf8)
            == String(contentsOf: work.path("source/\(tls)/server.key"), encoding: .utf8))

        // The master bundle started outlives bundle, serves the new certificate, and stops when asked.
        let newMaster = try #require(masterPID())
        #expect(newMaster != oldMaster)
        #expect(kill(oldMaster, 0) != 0 || isZombie(oldMaster), "the old master still runs")
        #expect(try served(on: port) == newCertificate)
        let stop = try control(service, "stop")
        #expect(stop.status == 0, "\(stop.output)")
        #expect(try served(on: port, attempts: 1) == nil, "nginx still answers after a stop")
    }

    /// `service VERB nginx-test` as the test itself runs it (bundle is not involved).
    private func control(_ service: String, _ verb: String) throws -> (status: Int32, output: String) {
        try detached(service, [verb, "nginx-test"], in: nil, log: URL(fileURLWithPath: service).deletingLastPathComponent().path + "/logs/\(verb).log")
    }

    /// Runs `program` with `arguments`, killed after 90 s, with no descriptor above 2 and its
    /// output (standard output and error together) in the file `log`. `ExternalTool` runs
    /// programs with Foundation's `Process`, which learns of an exit through a socket the child
    /// inherits, and reads standard output and error to their end: an nginx daemon that kept
    /// either would make the test wait forever (the very hang bundle had, which a broken
    /// runner would bring back), where this way it fails.
    private func detached(_ program: String, _ arguments: [String], in folder: URL?, log: String) throws -> (status: Int32, output: String) {
        let script = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi; done; log="$0"; exec timeout -k 5 90 "$@" </dev/null >"$log" 2>&1"#
        let result = try ExternalTool.run("/bin/bash", ["-c", script, log, program] + arguments, in: folder)
        return (result.status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// A self-signed certificate and key for `name` as server.crt and server.key in `folder`;
    /// returns the certificate's PEM text.
    private func makeCertificate(_ name: String, in folder: URL) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try ExternalTool.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)/O=TEST ONLY - bundle nginx test", "-keyout", folder.appendingPathComponent("server.key").path,
            "-out", folder.appendingPathComponent("server.crt").path,
        ])
        #expect(result.status == 0, "\(result.errors)")
        return pem(in: try String(contentsOf: folder.appendingPathComponent("server.crt"), encoding: .utf8)) ?? ""
    }

    /// The certificate the server on `port` presents (its PEM text), asking up to `attempts`
    /// times 100 ms apart; nil when nothing answers with one.
    private func served(on port: UInt16, attempts: Int = 50) throws -> String? {
        for attempt in 1...attempts {
            let result = try ExternalTool.run("openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"], input: Data())
            if let certificate = pem(in: result.output) { return certificate }
            if attempt < attempts { Thread.sleep(forTimeInterval: 0.1) }
        }
        return nil
    }

    private func pem(in text: String) -> String? {
        guard let begin = text.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = text.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<text.endIndex)
        else { return nil }
        return String(text[begin.lowerBound..<end.upperBound])
    }

    private func isZombie(_ pid: pid_t) -> Bool {
        ((try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "").contains("State:\tZ")
    }

    /// nginx serving `tls/server.crt` on 127.0.0.1:`port`, everything under `prefix`, logging to
    /// standard error so that the daemon keeps the starter's descriptor, as in the issue.
    private func configuration(port: UInt16, prefix: String, tls: String) -> String {
        """
        daemon on;
        master_process on;
        worker_processes 1;
        pid \(prefix)/logs/nginx.pid;
        error_log stderr;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path \(prefix)/tmp/body;
          proxy_temp_path \(prefix)/tmp/proxy;
          fastcgi_temp_path \(prefix)/tmp/fastcgi;
          uwsgi_temp_path \(prefix)/tmp/uwsgi;
          scgi_temp_path \(prefix)/tmp/scgi;
          server {
            listen 127.0.0.1:\(port) ssl;
            ssl_certificate \(tls)/server.crt;
            ssl_certificate_key \(tls)/server.key;
            location / { return 200 "ok\\n"; }
          }
        }

        """
    }
}
