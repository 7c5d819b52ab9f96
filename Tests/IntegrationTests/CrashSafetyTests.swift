import Foundation
import MeldpuntTesting
import Testing

/// Kills `meldpunt` with SIGKILL at every step of the pipeline, restarts it, and
/// checks the guarantees: one case per mail, one acknowledgement per case, an empty
/// inbox, and an audit log that agrees.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
  static let points = ["afterFetch", "afterStore", "afterDecrypt", "afterCase", "afterQueue", "afterSend", "afterRecord", "afterMove"]

  @Test("Killed at a step, then restarted: nothing lost, nothing twice", arguments: points)
  func killedAt(_ point: String) throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Report", body: "finding",
      recipientKey: environment.gatewayFingerprint, signer: rita, home: environment.reporterHome))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())

    let killed = try gateway.run(["process", "--once"], environment: ["MELDPUNT_TEST_CRASH_AT": point])
    #expect(killed.status == 128 + SIGKILL, "the fault point \(point) was not reached (exit \(killed.status)): \(killed.stderr)")
    let restarted = try gateway.run(["process", "--once"])
    #expect(restarted.status == 0, "\(restarted.stderr)")
    // A third run finds nothing left to do.
    #expect(try gateway.run(["process", "--once"]).status == 0)

    let cases = try JSONSerialization.jsonObject(with: Data(try gateway.run(["cases", "list", "--json"]).stdout)) as? [[String: Any]] ?? []
    #expect(cases.count == 1)
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
    #expect(try environment.dovecot.messages(in: "Processed").count == 1)
    let acknowledgements = try environment.smtp.waitForMessages(count: 1, timeout: 10)
    if point == "afterSend" {
      // The documented window (SECURITY.md): the server took the mail, the process died before
      // recording it; the retry resends the identical message, with the same Message-ID.
      #expect(acknowledgements.count <= 2)
      if acknowledgements.count == 2 { #expect(acknowledgements[0].data == acknowledgements[1].data) }
    } else {
      #expect(acknowledgements.count == 1)
    }
    let id = try #require(cases.first?["id"] as? String)
    let history = (try JSONSerialization.jsonObject(with: Data(try gateway.run(["cases", "export", id, "--json"]).stdout)) as? [String: Any])?["history"] as? [[String: Any]] ?? []
    let actions = history.compactMap { $0["action"] as? String }
    #expect(actions.filter { $0 == "mail.received" }.count == 1)
    #expect(actions.filter { $0 == "case.created" }.count == 1)
    #expect(actions.filter { $0 == "acknowledgement.queued" }.count == 1)
    #expect(actions.filter { $0 == "acknowledgement.sent" }.count == 1)
    #expect(actions.filter { $0 == "mail.filed" }.count >= 1)
  }
}
