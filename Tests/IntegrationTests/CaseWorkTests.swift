import Foundation
import MeldpuntTesting
import MIME
import Testing

/// Structured cases through the real pipeline: report fields, scope, follow-ups,
/// keyword agreement (and a reply signed by another key), and the team commands.
@Suite("Working cases", .serialized)
struct CaseWorkTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Validates JSON against one of the repo's schemas with Debian's python3-jsonschema (a real validator).
  static func validate(_ json: [UInt8], schema: String) throws -> String? {
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1]))
      validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
      errors = sorted(validator.iter_errors(json.load(sys.stdin)), key=lambda e: list(e.path))
      for e in errors: print("/".join(map(str, e.path)), e.message)
      sys.exit(1 if errors else 0)
      """
    let result = try Command.run("/usr/bin/python3", ["-c", script, root.appendingPathComponent("Config/schemas/\(schema)").path], stdin: json)
    return result.status == 0 ? nil : result.stdoutText + result.stderr
  }

  static func json(_ result: CommandResult) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "not JSON: \(result.stdoutText) \(result.stderr)")
  }

  static let templateReport = """
    Affected product or asset: Customer portal, https://portal.example.org/search
    Version: 4.2.1
    Vulnerability type: Reflected cross-site scripting
    CWE: CWE-79
    CVSS vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N
    Description:
    The q parameter of the search page is reflected without encoding.
    Steps to reproduce:
    1. Open https://portal.example.org/search?q=<script>alert(1)</script>
    Impact: session theft of logged-in customers.
    Reporter name or handle: Rita
    How to be credited: Rita Researcher
    """

  @Test("A template report becomes a structured case; the reporter's signed keywords change the agreement; another key's do not")
  func followUpsAndAgreement() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita Researcher", email: "rita@reporter.example")
    let mallory = try environment.addReporter(name: "Mallory", email: "mallory@attacker.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(mallory))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let scoped = ["MELDPUNT_SCOPE_IN_SCOPE": "*.example.org", "MELDPUNT_SCOPE_OUT_OF_SCOPE": "legacy.example.org"]

    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "Rita Researcher <rita@reporter.example>", to: TestEnvironment.gatewayAddress, subject: "XSS in the portal search",
      body: Self.templateReport, messageID: "<r1@reporter.example>", recipientKey: environment.gatewayFingerprint,
      signer: rita, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"], environment: scoped).status == 0)
    let export = try gateway.run(["cases", "export", "MP-\(Self.year)-0001", "--json"], environment: scoped)
    #expect(export.status == 0, "\(export.stderr)")
    #expect(try Self.validate(export.stdout, schema: "case-export.schema.json") == nil)
    let made = try Self.json(export)
    #expect(made["severity"] as? String == "medium")
    #expect(made["scope"] as? String == "inScope")
    #expect((made["cwe"] as? [String]) == ["CWE-79"])
    #expect(((made["cvss"] as? [[String: Any]])?.first?["baseScore"] as? Double) == 6.1)
    #expect((made["assets"] as? [String])?.contains("portal.example.org") == true)

    // The acknowledgement's Message-ID threads the reply.
    let ack = try environment.smtp.waitForMessages(count: 1, timeout: 10)[0]
    let ackID = try #require(try MIMEMessage.parse(ack.data).headers["Message-ID"])
    let counter = Self.day(daysFromNow: 70)
    let agreement = "Thanks. My answers:\nACCEPT\nCOUNTER \(counter)\nCREDIT-AS \"Rita R.\"\nCONSENT-NCSC yes\n"
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Re: [MP-\(Self.year)-0001] ...",
      body: agreement, recipientKey: environment.gatewayFingerprint, signer: rita, home: environment.reporterHome))
    // Mallory replies in the thread (In-Reply-To the acknowledgement), signed with her own key.
    var spoof = try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Re: your report",
      body: "NO-CREDIT\nDISCLOSE \(Self.day(daysFromNow: 3))\n", recipientKey: environment.gatewayFingerprint, signer: mallory,
      home: environment.reporterHome)
    spoof = Array("In-Reply-To: \(ackID)\r\n".utf8) + spoof
    try environment.dovecot.append(spoof)
    let run = try gateway.run(["process", "--once"], environment: scoped)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText.contains("Cases created: none"))

    let after = try Self.json(try gateway.run(["cases", "export", "MP-\(Self.year)-0001", "--json"], environment: scoped))
    let followUps = after["followUps"] as? [[String: Any]] ?? []
    #expect(followUps.count == 2)
    #expect(followUps.first?["applied"] as? Bool == true)
    #expect(followUps.last?["applied"] as? Bool == false)
    #expect(followUps.last?["possibleImpersonation"] as? Bool == true)
    let reporter = after["reporter"] as? [String: Any] ?? [:]
    #expect(reporter["creditAs"] as? String == "Rita R.")
    #expect(reporter["noCredit"] as? Bool == false)
    #expect(after["consentToCoordinator"] as? Bool == true)
    #expect(((after["dates"] as? [String: Any])?["fixDue"] as? String)?.hasPrefix(counter) == true)
    #expect((after["agreementChanges"] as? [[String: Any]])?.count == 4)

    // The reporter got the signed agreement with its machine-readable record.
    let mails = try environment.smtp.waitForMessages(count: 2, timeout: 10)
    let check = try SignedMailCheck(mails[1].data, home: environment.reporterHome)
    #expect(check.signatureGood)
    let entity = try #require(check.decrypted)
    let file = try #require(entity.allParts.first { $0.filename == "agreement.json" })
    let document = entity.decodedBody(of: file)
    #expect(try Self.validate(document, schema: "agreement.schema.json") == nil)
    #expect(String(decoding: document, as: UTF8.self).contains("\"creditAs\" : \"Rita R.\""))
  }

  @Test("Team commands: transitions refused with the reason, notes, replies, filters; a repeat report is flagged")
  func teamCommands() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    for subject in ["SQL injection in login form", "Re-sent: SQL injection in the login form"] {
      try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
        from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: subject,
        body: "The login at https://app.example.org/login is injectable.", recipientKey: environment.gatewayFingerprint,
        signer: rita, home: environment.reporterHome))
    }
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let id = "MP-\(Self.year)-0001"
    let second = try Self.json(try gateway.run(["cases", "export", "MP-\(Self.year)-0002", "--json"]))
    #expect(second["possibleDuplicateOf"] as? String == id)

    let refused = try gateway.run(["cases", "update", id, "--state", "fixed"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("cannot move from new to fixed"))
    let triaged = try gateway.run(["cases", "update", id, "--state", "triaged", "--severity", "high", "--actor", "tess"])
    #expect(triaged.status == 0, "\(triaged.stderr)")
    #expect(try gateway.run(["cases", "note", id, "Confirmed on staging.", "--actor", "tess"]).status == 0)
    let listed = try gateway.run(["cases", "list", "--state", "triaged", "--severity", "high", "--json"])
    #expect((try JSONSerialization.jsonObject(with: Data(listed.stdout)) as? [[String: Any]])?.map { $0["id"] as? String } == [id])

    // A fix date in the past is a broken promise: --overdue shows it.
    #expect(try gateway.run(["cases", "list", "--overdue", "--json"]).stdoutText.contains(id) == false)
    #expect(try gateway.run(["cases", "update", id, "--fix-due", "2020-01-01"]).status == 0)
    #expect(try gateway.run(["cases", "list", "--overdue", "--json"]).stdoutText.contains(id))

    let replyFile = environment.directory + "/reply.txt"
    try Data("We reproduced it and are working on a fix.".utf8).write(to: URL(fileURLWithPath: replyFile))
    let reply = try gateway.run(["cases", "reply", id, "--file", replyFile, "--actor", "tess"])
    #expect(reply.status == 0, "\(reply.stderr)")
    #expect(reply.stdoutText.contains("encrypted"))
    let shown = try gateway.run(["cases", "show", id])
    #expect(shown.stdoutText.contains("Confirmed on staging."))
    #expect(shown.stdoutText.contains("tess"))
    let history = try Self.json(try gateway.run(["cases", "export", id, "--json"]))["history"] as? [[String: Any]] ?? []
    #expect(history.contains { $0["action"] as? String == "state.changed" && $0["actor"] as? String == "tess" })
    // acknowledgement ×2, status (triaged), agreement after the fix date change, reply
    let mails = try environment.smtp.waitForMessages(count: 5, timeout: 10)
    let status = try SignedMailCheck(mails[2].data, home: environment.reporterHome)
    #expect(status.subject?.contains("triaged") == true)
    let last = try SignedMailCheck(mails[4].data, home: environment.reporterHome)
    #expect(last.isEncrypted && last.signatureGood)
    #expect(last.text.contains("working on a fix"))
  }

  static var year: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

  static func day(daysFromNow days: Int) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date().addingTimeInterval(Double(days) * 86400))
  }
}
