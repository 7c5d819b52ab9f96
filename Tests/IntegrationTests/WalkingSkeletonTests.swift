import Foundation
import MeldpuntTesting
import Testing

/// The whole path on real parts: Dovecot, the SMTP sink, gpg, and the `meldpunt` binary.
@Suite("Walking skeleton, end to end")
struct WalkingSkeletonTests {
  static let canary = "CANARY-7f3a-report-text"

  @Test("An encrypted, signed report becomes one case and one signed acknowledgement; a second run changes nothing")
  func encryptedSignedReport() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let reporter = try environment.addReporter(name: "Rita Reporter", email: "rita@reporter.example")
    // The admin imported Rita's public key earlier (issue 4 adds keys attached to the mail).
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(reporter))
    let mail = try ReportMail.pgpMIMEEncrypted(
      from: "Rita Reporter <rita@reporter.example>", to: TestEnvironment.gatewayAddress,
      subject: "Vulnerability report", body: "SQL injection in the login form. \(Self.canary)\n",
      messageID: "<report-1@reporter.example>", recipientKey: environment.gatewayFingerprint,
      signer: reporter, home: environment.reporterHome)
    try environment.dovecot.append(mail)

    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let first = try gateway.run(["process", "--once"])
    #expect(first.status == 0, "meldpunt process failed: \(first.stderr)")

    let cases = try Self.caseList(gateway)
    try #require(cases.count == 1)
    let made = cases[0]
    #expect(made["signature"] as? String == "valid")
    #expect(made["encryption"] as? String == "full")
    #expect(made["reporterAddress"] as? String == "rita@reporter.example")
    #expect((made["signerFingerprint"] as? String)?.uppercased() == reporter.uppercased())
    let id = try #require(made["id"] as? String)
    #expect(id.hasPrefix("MP-"))

    let shown = try gateway.run(["cases", "show", id, "--json"])
    let detail = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout)) as? [String: Any])
    let verdict = try #require(detail["verdict"] as? [String: Any])
    #expect(verdict["signerMatchesFrom"] as? Bool == true)

    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
    #expect(try environment.dovecot.messages(in: "Processed").count == 1)

    let received = try environment.smtp.waitForMessages(count: 1, timeout: 10)
    try #require(received.count == 1)
    #expect(received[0].recipients == ["rita@reporter.example"])
    // The gateway knows Rita's key, so the acknowledgement is signed and encrypted to her.
    let ack = try SignedMailCheck(received[0].data, home: environment.reporterHome)
    #expect(ack.isEncrypted)
    #expect(ack.signatureGood)
    #expect(ack.signerFingerprint?.uppercased() == environment.gatewayFingerprint.uppercased())
    #expect(ack.text.contains(id))
    #expect(ack.subject?.contains(id) == true)
    let raw = String(decoding: received[0].data, as: UTF8.self)
    #expect(!raw.contains(Self.canary), "the acknowledgement quotes the report")
    #expect(raw.contains("Auto-Submitted: auto-replied"))
    #expect(raw.contains("In-Reply-To: <report-1@reporter.example>"))
    #expect(ack.message.headers["Subject"] == "[\(id)] ...", "the outer subject must be neutral")

    // A second run finds nothing to do and changes nothing.
    let second = try gateway.run(["process", "--once"])
    #expect(second.status == 0)
    #expect(try Self.caseList(gateway).count == 1)
    #expect(try environment.smtp.received().count == 1)
    #expect(try environment.dovecot.messages(in: "Processed").count == 1)
  }

  @Test("Six reports in one pass: one case and one acknowledgement each, sent over both of the pass's SMTP connections")
  func severalReportsInOnePass() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let reporter = try environment.addReporter(name: "Rita Reporter", email: "rita@reporter.example")
    let addresses = (1...6).map { "reporter\($0)@reporter.example" }
    for (index, address) in addresses.enumerated() {
      try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
        from: address, to: TestEnvironment.gatewayAddress, subject: "Report \(index + 1)", body: "Finding \(index + 1). \(Self.canary)\n",
        messageID: "<several-\(index)@reporter.example>", recipientKey: environment.gatewayFingerprint,
        signer: reporter, home: environment.reporterHome))
    }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let run = try gateway.run(["process", "--once"])
    #expect(run.status == 0, "meldpunt process failed: \(run.stderr)")
    #expect(try Self.caseList(gateway).count == 6)
    let received = try environment.smtp.waitForMessages(count: 6, timeout: 10)
    #expect(received.count == 6)
    #expect(received.flatMap(\.recipients).sorted() == addresses)
    // Acknowledgements of different cases go out over two connections at once (Gateway.sendingLanes).
    #expect(Set(received.compactMap(\.clientPort)).count == 2)
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
    #expect(try environment.dovecot.messages(in: "Processed").count == 6)
  }

  @Test("A reporter whose key the gateway does not know gets a PGP/MIME-signed acknowledgement that gpg --verify accepts")
  func signedOnlyAcknowledgement() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let reporter = try environment.addReporter(name: "Una Known", email: "una@reporter.example")
    let mail = try ReportMail.pgpMIMEEncrypted(
      from: "una@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Report", body: "finding \(Self.canary)",
      recipientKey: environment.gatewayFingerprint, signer: reporter, home: environment.reporterHome)
    try environment.dovecot.append(mail)
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let made = try #require(try Self.caseList(gateway).first)
    #expect(made["signature"] as? String == "unknownKey")
    let received = try environment.smtp.waitForMessages(count: 1, timeout: 10)
    let ack = try SignedMailCheck(received[0].data, home: environment.reporterHome)
    #expect(ack.isMultipartSigned)
    #expect(ack.signatureGood)
    #expect(ack.signerFingerprint?.uppercased() == environment.gatewayFingerprint.uppercased())
    #expect(ack.micalg == "pgp-sha256" || ack.micalg == "pgp-sha512")
    #expect(ack.text.contains(made["id"] as? String ?? "?"))
    #expect(!String(decoding: received[0].data, as: UTF8.self).contains(Self.canary))
  }

  @Test("A mail encrypted to a key the gateway lacks is quarantined: no case, no acknowledgement, one signed notice without content")
  func undecryptableIsQuarantined() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let stranger = try environment.addReporter(name: "Other Org", email: "security@other.example")
    let mail = try ReportMail.pgpMIMEEncrypted(
      from: "mallory@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Report",
      body: "not for you \(Self.canary)", recipientKey: stranger, signer: nil, home: environment.reporterHome)
    try environment.dovecot.append(mail)

    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let run = try gateway.run(["process", "--once"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.caseList(gateway).isEmpty)
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
    #expect(try environment.dovecot.messages(in: "Quarantine").count == 1)
    let mails = try environment.smtp.waitForMessages(count: 1, timeout: 10)
    #expect(mails.count == 1)
    #expect(mails.first?.recipients == ["mallory@reporter.example"])
    let notice = try SignedMailCheck(mails[0].data, home: environment.reporterHome)
    #expect(notice.signatureGood)
    #expect(notice.text.contains("could not read"))
    #expect(notice.text.contains(environment.gatewayFingerprint))
    #expect(!notice.text.contains("MP-"))
    #expect(!String(decoding: mails[0].data, as: UTF8.self).contains(Self.canary))
    #expect(!run.stderr.contains(Self.canary))
  }

  static func caseList(_ gateway: GatewaySetup) throws -> [[String: Any]] {
    let listed = try gateway.run(["cases", "list", "--json"])
    #expect(listed.status == 0, "\(listed.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout)) as? [[String: Any]])
  }
}
