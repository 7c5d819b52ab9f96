import Foundation
import MeldpuntTesting
import Testing

/// Config choices about cases: where report text lives, and promises about to be broken.
@Suite("Case policies", .serialized)
struct CasePolicyTests {
  static let canary = "CANARY-0n-demand"

  @Test("With database.storeReportText false only the encrypted original is kept; cases show decrypts it on demand")
  func reportTextOnDemand() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(),
                                   sections: ["database": ["path": environment.directory + "/meldpunt.sqlite", "storeReportText": false]])
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "s", body: "finding \(Self.canary)",
      recipientKey: environment.gatewayFingerprint, signer: nil, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let dump = try Command.run("/usr/bin/sqlite3", [environment.directory + "/meldpunt.sqlite",
                                                    "SELECT report_text, fields FROM case_file; SELECT hex(bytes) FROM raw_mail_content;"])
    // The dump must have worked and hold the original, or the checks below prove nothing.
    #expect(dump.status == 0 && dump.stdoutText.count > 1000, "\(dump.stderr)")
    #expect(!dump.stdoutText.contains(Self.canary))
    #expect(!dump.stdoutText.contains(Data(Self.canary.utf8).map { String(format: "%02X", $0) }.joined()))
    let shown = try gateway.run(["cases", "show", "MP-\(CaseWorkTests.year)-0001"])
    #expect(shown.stdoutText.contains("decrypted now from the stored original"))
    #expect(shown.stdoutText.contains(Self.canary))
  }

  @Test("The service warns in its log, once, about a promise that is broken, and tells the overdue webhook")
  func overdueWarning() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "s", body: "x"))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    #expect(try gateway.run(["cases", "update", "MP-\(CaseWorkTests.year)-0001", "--fix-due", "2020-01-01"]).status == 0)
    let service = try gateway.startService()
    var waited = 0
    while !service.log.contains("Promise to the reporter at risk") && waited < 100 { Thread.sleep(forTimeInterval: 0.1); waited += 1 }
    Thread.sleep(forTimeInterval: 2.5)  // two more polls: no repeat
    #expect(service.stop() == 0)
    let warnings = service.log.split(separator: "\n").filter { $0.contains("Promise to the reporter at risk") }
    #expect(warnings.count == 1, "\(service.log)")
    #expect(warnings.first?.contains("promise.kind=fix") == true)
  }

  @Test("SMTP down: the acknowledgement waits in the outbox, the mail stays in the inbox, the reason is named")
  func smtpDown() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    environment.smtp.stop()
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "s", body: "x"))
    let run = try gateway.run(["process", "--once"])
    #expect(run.status != 0)
    #expect(run.stdoutText.contains("acknowledgement not sent yet"))
    #expect(try environment.dovecot.messages(in: "INBOX").count == 1)
    let outbox = try JSONSerialization.jsonObject(with: Data(try gateway.run(["outbox", "list", "--json"]).stdout)) as? [[String: Any]] ?? []
    #expect(outbox.first?["state"] as? String == "pending")
    #expect((outbox.first?["lastError"] as? String)?.contains("Cannot reach") == true)
  }
}
