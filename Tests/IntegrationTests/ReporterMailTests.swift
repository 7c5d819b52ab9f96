import Crypto
import Foundation
import MeldpuntTesting
import MIME
import Testing

/// What reporters receive: never report content, no header injection, no mail
/// loops, a receipt that proves what arrived, SMTP with STARTTLS and AUTH, an
/// outbox that retries and holds.
@Suite("Reporter mail", .serialized)
struct ReporterMailTests {
  static let canary = "CANARY-b1e9-never-in-mail"

  /// Every readable text of a mail the gateway sent, decrypted where it was encrypted.
  static func everything(_ data: [UInt8], _ home: GnuPGHome) throws -> String {
    let check = try SignedMailCheck(data, home: home)
    var text = String(decoding: data, as: UTF8.self)
    if let inner = check.decrypted {
      text += String(decoding: inner.bytes, as: UTF8.self)
      for part in inner.allParts { text += String(decoding: inner.decodedBody(of: part), as: UTF8.self) }
    }
    for part in check.message.allParts { text += String(decoding: check.message.decodedBody(of: part), as: UTF8.self) }
    return text
  }

  @Test("No report text, protected subject or attachment name ever reaches a mail; the receipt's hash is the mail's")
  func neverAnOracle() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    // A protected subject, text and an attachment name, all carrying the canary, inside the encryption.
    let entity = """
      Content-Type: multipart/mixed; boundary="in"; protected-headers="v1"\r
      Subject: \(Self.canary) subject\r
      \r
      --in\r
      Content-Type: text/plain\r
      \r
      Finding: \(Self.canary) in the text.\r
      --in\r
      Content-Type: application/octet-stream; name="\(Self.canary).txt"\r
      Content-Disposition: attachment; filename="\(Self.canary).txt"\r
      \r
      proof\r
      --in--\r

      """
    let mail = try ReadingRulesTests.pgpMIME(entity: entity, from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                             subject: "...", recipient: environment.gatewayFingerprint, signers: [rita],
                                             home: environment.reporterHome)
    try environment.dovecot.append(mail)
    // And one in the clear, canary in the outer subject too.
    let clear = ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Plain \(Self.canary)",
                                 body: "Clear text \(Self.canary)")
    try environment.dovecot.append(clear)
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)
    #expect(try gateway.run(["cases", "update", "MP-\(CaseWorkTests.year)-0001", "--state", "triaged"]).status == 0)
    let mails = try environment.smtp.waitForMessages(count: 3, timeout: 10)
    #expect(mails.count == 3)
    for sent in mails {
      #expect(!(try Self.everything(sent.data, environment.reporterHome)).contains(Self.canary))
    }
    // The receipt names the SHA-256 of the mail exactly as it was delivered. Two cases are
    // acknowledged at once, so the encrypted report's acknowledgement (case 0001) need not arrive first.
    let texts = try mails.map { try SignedMailCheck($0.data, home: environment.reporterHome).text }
    let receipt = try #require(texts.first { $0.contains("registered it as case MP-\(CaseWorkTests.year)-0001") })
    let digest = SHA256.hash(data: mail).map { String(format: "%02x", $0) }.joined()
    #expect(receipt.contains(digest))
  }

  @Test("Header injection through names, ids and encoded words is neutralised")
  func headerInjection() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let name = Data("Rita\r\nBcc: victim@evil.example".utf8).base64EncodedString()
    let mail = """
      From: =?UTF-8?B?\(name)?= <rita@reporter.example>\r
      To: security@example.org\r
      Subject: =?UTF-8?B?\(Data("Hi\r\nBcc: victim@evil.example".utf8).base64EncodedString())?=\r
      Message-ID: <id@reporter.example>\tBcc: victim@evil.example\r
      References: <ok@reporter.example> <bad\r\n Bcc: victim@evil.example>\r
      Content-Type: text/plain\r
      \r
      report\r

      """
    try environment.dovecot.append(Array(mail.utf8))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let sent = try environment.smtp.waitForMessages(count: 1, timeout: 10)
    #expect(sent.first?.recipients == ["rita@reporter.example"])
    let head = try MIMEMessage.parse(sent[0].data).headers
    #expect(!head.contains("Bcc"))
    #expect(!head.fields.contains { String(decoding: $0.rawValue, as: UTF8.self).contains("victim") })
  }

  @Test("Auto-replies, bounces, lists, machines and the gateway itself get no mail at all")
  func loopsGetNoMail() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let mails: [(from: String, extra: String)] = [
      ("rita@reporter.example", "Auto-Submitted: auto-replied\r\n"),
      ("rita@reporter.example", "Precedence: bulk\r\n"),
      ("rita@reporter.example", "List-Id: <security.lists.example>\r\n"),
      ("MAILER-DAEMON@mx.reporter.example", ""),
      ("postmaster@reporter.example", ""),
      ("security@example.org", ""),
      ("not an address", ""),
      ("rita@reporter.example", "Return-Path: <>\r\n"),
    ]
    for (index, mail) in mails.enumerated() {
      let text = "\(mail.extra)From: \(mail.from)\r\nTo: security@example.org\r\nSubject: loop \(index)\r\nMessage-ID: <loop\(index)@x.example>\r\nContent-Type: text/plain\r\n\r\nAutomatic text \(index)\r\n"
      try environment.dovecot.append(Array(text.utf8))
    }
    // An undecryptable one from a list: no notice either.
    let encrypted = try ReportMail.pgpMIMEEncrypted(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "x",
                                                   body: "x", recipientKey: try environment.addReporter(name: "O", email: "o@x.example"),
                                                   signer: nil, home: environment.reporterHome)
    try environment.dovecot.append(Array("List-Id: <l.example>\r\n".utf8) + encrypted)
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let run = try gateway.run(["process", "--once"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText.contains("Acknowledgements sent: 0"))
    #expect(try environment.smtp.received().isEmpty)
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
  }

  @Test("SMTP with STARTTLS and AUTH; 4xx is retried from the outbox; the per-sender limit holds mail for an admin")
  func smtpAndOutbox() throws {
    var options = SMTPSink.Options()
    options.startTLS = true
    options.requireAuth = true
    options.tempFailFirst = 1
    let environment = try TestEnvironment.start(smtp: options)
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(),
                                   sections: ["mail": ["maxPerSenderPerDay": 2]])
    let stranger = try environment.addReporter(name: "O", email: "other@elsewhere.example")
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "report", body: "finding"))
    // The first attempt gets 451: the mail stays in the inbox, the acknowledgement waits in the outbox.
    let first = try gateway.run(["process", "--once"])
    #expect(first.status != 0)
    #expect(try environment.dovecot.messages(in: "INBOX").count == 1)
    let waiting = try gateway.run(["outbox", "list", "--json"])
    let entries = try #require(try JSONSerialization.jsonObject(with: Data(waiting.stdout)) as? [[String: Any]])
    #expect(entries.first?["state"] as? String == "pending")
    #expect((entries.first?["lastError"] as? String)?.contains("451") == true)
    let retried = try gateway.run(["outbox", "retry", "1"])
    #expect(retried.status == 0, "\(retried.stdoutText) \(retried.stderr)")
    #expect(try gateway.run(["process", "--once"]).status == 0)
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
    let received = try environment.smtp.waitForMessages(count: 1, timeout: 10)
    #expect(received.count == 1)
    #expect(received[0].tls)
    #expect(received[0].authenticatedUser == environment.smtp.user)

    // Three unreadable mails from one sender: two notices go out, the third is held.
    for n in 1...3 {
      try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
        from: "spammy@reporter.example", to: TestEnvironment.gatewayAddress, subject: "x\(n)", body: "x",
        recipientKey: stranger, signer: nil, home: environment.reporterHome))
    }
    #expect(try gateway.run(["process", "--once"]).status == 0)
    #expect(try environment.smtp.waitForMessages(count: 3, timeout: 10).count == 3)
    let held = try #require(try JSONSerialization.jsonObject(with: Data(try gateway.run(["outbox", "list", "--json"]).stdout)) as? [[String: Any]])
    #expect(held.map { $0["state"] as? String } == ["held"])
    let id = try #require(held.first?["id"] as? Int)
    #expect(try gateway.run(["outbox", "retry", String(id)]).status == 0)
    #expect(try environment.smtp.waitForMessages(count: 4, timeout: 10).count == 4)
  }
}

extension ReporterMailTests {
  @Test("SMTP with implicit TLS (smtps) and AUTH")
  func implicitTLS() throws {
    var options = SMTPSink.Options()
    options.startTLS = true
    options.implicitTLS = true
    options.requireAuth = true
    let environment = try TestEnvironment.start(smtp: options)
    defer { environment.stop() }
    #expect(environment.smtp.url().hasPrefix("smtps://"))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "report", body: "finding"))
    let run = try gateway.run(["process", "--once"])
    #expect(run.status == 0, "\(run.stdoutText) \(run.stderr)")
    let received = try environment.smtp.waitForMessages(count: 1, timeout: 10)
    #expect(received.first?.tls == true)
    #expect(received.first?.authenticatedUser == environment.smtp.user)
  }
}
