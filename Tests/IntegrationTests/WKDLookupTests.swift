import Foundation
import MeldpuntTesting
import Testing

/// A reporter key looked up in the reporter's Web Key Directory, served by a local HTTPS server.
@Suite("Web Key Directory lookup", .serialized)
struct WKDLookupTests {
  @Test("With no key known, the acknowledgement is encrypted to the key the reporter's domain publishes")
  func lookup() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    let site = environment.directory + "/wkd"
    let hash = try Command.run("/usr/lib/gnupg/gpg-wks-client", ["--print-wkd-hash", "rita@reporter.example"]).stdoutText
      .split(separator: " ").first.map(String.init) ?? ""
    let hu = site + "/.well-known/openpgpkey/reporter.example/hu"
    try FileManager.default.createDirectory(atPath: hu, withIntermediateDirectories: true)
    try Data(try environment.reporterHome.gpg(["--export", rita]).stdout).write(to: URL(fileURLWithPath: hu + "/" + hash))
    // A certificate for the reporter's WKD host names, trusted through tls.caFile.
    let cert = environment.directory + "/wkd.pem", key = environment.directory + "/wkd.key"
    let made = try Command.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                                   "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=openpgpkey.reporter.example",
                                                   "-addext", "subjectAltName=DNS:openpgpkey.reporter.example,DNS:reporter.example"])
    #expect(made.status == 0, "\(made.stderr)")
    let bundle = environment.directory + "/bundle.pem"
    try Data(try Data(contentsOf: URL(fileURLWithPath: environment.dovecot.caFile)) + Data("\n".utf8) + Data(contentsOf: URL(fileURLWithPath: cert)))
      .write(to: URL(fileURLWithPath: bundle))
    let port = try FreePort.next()
    let server = try RunningGateway(binary: "/usr/bin/python3", arguments: ["-c", """
      import http.server, ssl, sys, functools
      handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
      httpd = http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), handler)
      context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
      context.load_cert_chain(sys.argv[3], sys.argv[4])
      httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
      httpd.serve_forever()
      """, site, String(port), cert, key], environment: ProcessInfo.processInfo.environment, logFile: environment.directory + "/wkd.log")
    defer { _ = server.stop(timeout: 5) }
    var waited = 0
    while !FreePort.isAccepting(port) && waited < 100 { Thread.sleep(forTimeInterval: 0.05); waited += 1 }

    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(), sections: ["tls": ["caFile": bundle]])
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "plain", body: "finding"))
    let run = try gateway.run(["process", "--once"], environment: ["MELDPUNT_TEST_CONNECT_TO": "::127.0.0.1:\(port)"])
    #expect(run.status == 0, "\(run.stderr)")
    let ack = try SignedMailCheck(try environment.smtp.waitForMessages(count: 1, timeout: 10)[0].data, home: environment.reporterHome)
    #expect(ack.isEncrypted, "\(server.log)")
    #expect(ack.signatureGood)
    let keys = try JSONSerialization.jsonObject(with: Data(try gateway.run(["keys", "list", "--json"]).stdout)) as? [[String: Any]] ?? []
    #expect(keys.first { $0["fingerprint"] as? String == rita }?["source"] as? String == "wkd")
  }
}
