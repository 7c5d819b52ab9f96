import Foundation
import MeldpuntTesting
import MIME
import Testing

/// Issue 18, "Nothing a sender writes changes whom the gateway trusts": each attack through
/// real Dovecot, `meldpunt process --once`, real gpg and the SMTP sink. Every one of them
/// succeeded before the keyrings were split by role (Fixtures/hostile/TRUST.md lists them
/// with their expected outcomes).
@Suite("Trust boundary", .serialized)
struct TrustBoundaryTests {
  static var year: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

  static func json(_ result: CommandResult) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout))
  }

  static func export(_ gateway: GatewaySetup, _ id: String) throws -> [String: Any] {
    let result = try gateway.run(["cases", "export", id, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try CaseWorkTests.validate(result.stdout, schema: "case-export.schema.json") == nil)
    return try #require(try json(result) as? [String: Any])
  }

  /// A clear-signed text with a key attached, as a mail client that sends its key does.
  static func signedWithKey(from: String, subject: String, body: String, signer: String, home: GnuPGHome, key: [UInt8],
                            messageID: String = "<\(UUID().uuidString)@attacker.example>") throws -> [UInt8] {
    let signed = try home.gpg(["--clearsign", "--local-user", signer], stdin: Array(Self.crlf(body).utf8))
    try #require(signed.status == 0, "gpg: \(signed.stderr)")
    let text = "From: \(from)\r\nTo: \(TestEnvironment.gatewayAddress)\r\nSubject: \(subject)\r\nMessage-ID: \(messageID)\r\n"
      + "Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"k\"\r\n\r\n"
      + "--k\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + Self.crlf(signed.stdoutText)
      + "\r\n--k\r\nContent-Type: application/pgp-keys; name=\"key.asc\"\r\nContent-Disposition: attachment; filename=\"key.asc\"\r\n\r\n"
      + Self.crlf(String(decoding: key, as: UTF8.self)) + "\r\n--k--\r\n"
    return Array(text.utf8)
  }

  static func crlf(_ text: String) -> String {
    text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
  }

  /// Rita, whose key the gateway holds, and her first signed and encrypted report, processed:
  /// case 0001, with her key pinned.
  static func ritasFirstReport(_ environment: TestEnvironment, body: String = "A finding.\n",
                               sections: [String: Any] = [:]) throws -> (rita: String, gateway: GatewaySetup) {
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(), sections: sections)
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "Rita <rita@reporter.example>", to: TestEnvironment.gatewayAddress, subject: "...", body: body,
      recipientKey: environment.gatewayFingerprint, signer: rita, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    return (rita, gateway)
  }

  /// Secret keys of a GnuPG home, as gpg lists them.
  static func secretKeys(_ home: String) throws -> [String] {
    let listed = try Command.run("/usr/bin/gpg", ["--homedir", home, "--batch", "--with-colons", "--list-secret-keys"])
    return listed.stdoutText.split(separator: "\n").filter { $0.hasPrefix("fpr:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) }
  }

  @Test("A secret key attached to a signed mail, with the gateway's own address, is refused: the key home and what is published stay the gateway's")
  func plantedSecretKey() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let attacker = try GnuPGHome.make()
    defer { attacker.killAgent() }
    let fake = try attacker.generateKey(name: "Example Organisation security", email: TestEnvironment.gatewayAddress)
    let before = try Self.secretKeys(environment.gatewayHome.path)
    try environment.dovecot.append(try Self.signedWithKey(
      from: "Mallory <mallory@attacker.example>", subject: "Our new key", body: "Please use the attached key.\n",
      signer: fake, home: attacker, key: attacker.exportSecret(fake)))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(), namesSigningKey: false)
    // The admin's own key is adopted once (the first pass creates the database and stops for
    // want of a gateway key); the attacker's must never become one.
    #expect(try gateway.run(["process", "--once"]).status != 0)
    #expect(try gateway.run(["keys", "adopt", environment.gatewayFingerprint]).status == 0)
    let run = try gateway.run(["process", "--once"])
    #expect(run.status == 0, "\(run.stderr)")

    #expect(try Self.secretKeys(environment.gatewayHome.path) == before, "a secret key was added to the key home")
    #expect(try Self.secretKeys(environment.gatewayHome.path + "/reporters").isEmpty, "a secret key reached the reporters' keyring")
    let made = try Self.export(gateway, "MP-\(Self.year)-0001")
    let flags = (made["verdict"] as? [String: Any])?["flags"] as? [String] ?? []
    #expect(flags.contains("secretKeyAttached"), "\(flags)")
    #expect((made["verdict"] as? [String: Any])?["signature"] as? String == "unknownKey")

    let site = environment.directory + "/site"
    let published = try gateway.run(["publish", "--out", site, "--base-url", "https://example.org"])
    #expect(published.status == 0, "\(published.stderr)")
    let listed = try environment.reporterHome.gpg(["--with-colons", "--show-keys", site + "/pgp-key.asc"])
    let fingerprints = listed.stdoutText.split(separator: "\n").filter { $0.hasPrefix("fpr:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) }
    #expect(fingerprints.first == environment.gatewayFingerprint, "published \(fingerprints)")
    #expect(!fingerprints.contains(fake))
    let exported = try gateway.run(["keys", "export", "--public"])
    #expect(!exported.stdoutText.isEmpty && exported.status == 0)
  }

  @Test("A public key for the gateway's or a team address, offered by a stranger, is never imported or used")
  func plantedGatewayAndTeamKeys() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let team = try GnuPGHome.make()
    defer { team.killAgent() }
    let teamKey = try team.generateKey(name: "Team", email: "team@example.org")
    let teamFile = environment.directory + "/team.asc"
    try Data(team.exportPublic(teamKey)).write(to: URL(fileURLWithPath: teamFile))
    let attacker = try GnuPGHome.make()
    defer { attacker.killAgent() }
    let fake = try attacker.generateKey(name: "Team", email: "team@example.org")
    _ = try attacker.gpg(["--batch", "--quick-add-uid", fake, "Security <\(TestEnvironment.gatewayAddress)>"])
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(), sections: [
      "team": ["addresses": ["team@example.org"], "keyFiles": [teamFile], "withoutKey": "summary"],
    ])
    // From a team address (forged), and from the gateway's own, each signed with the key it carries.
    for from in ["Team <team@example.org>", "Security <\(TestEnvironment.gatewayAddress)>"] {
      try environment.dovecot.append(try Self.signedWithKey(from: from, subject: "key update", body: "Here is my new key.\n",
                                                            signer: fake, home: attacker, key: attacker.exportPublic(fake)))
    }
    let run = try gateway.run(["process", "--once"])
    #expect(run.status == 0, "\(run.stderr)")
    let keys = try #require(try Self.json(try gateway.run(["keys", "list", "--json"])) as? [[String: Any]])
    #expect(!keys.contains { $0["fingerprint"] as? String == fake }, "the stranger's key was imported: \(keys)")
    #expect(keys.contains { $0["fingerprint"] as? String == teamKey && $0["role"] as? String == "team" })
    // Team tickets are encrypted to the team's key from the config, and only to it.
    // gpg names each recipient by the key ID of its encryption subkey.
    let fakeSubkeys = try attacker.gpg(["--with-colons", "--list-keys", fake]).stdoutText.split(separator: "\n")
      .filter { $0.hasPrefix("sub:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[4]) }
    let teamSubkeys = try team.gpg(["--with-colons", "--list-keys", teamKey]).stdoutText.split(separator: "\n")
      .filter { $0.hasPrefix("sub:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[4]) }
    try #require(!fakeSubkeys.isEmpty && !teamSubkeys.isEmpty)
    let tickets = try environment.smtp.received().filter { $0.recipients == ["team@example.org"] }
    #expect(!tickets.isEmpty)
    for ticket in tickets {
      let message = try MIMEMessage.parse(ticket.data)
      try #require(message.root.contentType.mimeType == "multipart/encrypted", "a ticket went out unencrypted")
      let packets = try environment.reporterHome.gpg(["--list-packets", "--list-only"], stdin: message.decodedBody(of: message.root.children[1]))
      let recipients = (packets.stdoutText + packets.stderr).split(separator: "\n").filter { $0.contains("pubkey enc packet") }
      #expect(recipients.count == 1 && recipients.allSatisfy { line in teamSubkeys.contains { line.contains($0) } },
              "a ticket was not encrypted to the team's key alone: \(recipients)")
      #expect(!recipients.contains { line in fakeSubkeys.contains { line.contains($0) } }, "a ticket was encrypted to the stranger's key")
    }
  }

  @Test("A stranger's key with the known reporter's user ID is refused; the case, the verdict and the acknowledgement stay with the real key")
  func keySubstitution() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    // Rita's first report pins her key.
    let (rita, gateway) = try Self.ritasFirstReport(environment)
    #expect((try Self.export(gateway, "MP-\(Self.year)-0001")["reporter"] as? [String: Any])?["keyFingerprint"] as? String == rita)

    let attacker = try GnuPGHome.make()
    defer { attacker.killAgent() }
    let fake = try attacker.generateKey(name: "Rita", email: "rita@reporter.example")
    try environment.dovecot.append(try Self.signedWithKey(
      from: "Rita <rita@reporter.example>", subject: "Another finding", body: "A second report, from the real Rita, honest.\n",
      signer: fake, home: attacker, key: attacker.exportPublic(fake)))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let second = try Self.export(gateway, "MP-\(Self.year)-0002")
    let verdict = try #require(second["verdict"] as? [String: Any])
    #expect(verdict["signature"] as? String != "valid", "the stranger's signature was taken as Rita's: \(verdict)")
    #expect((second["reporter"] as? [String: Any])?["keyFingerprint"] as? String == nil)
    let notes = (second["notes"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
    #expect(notes.contains { $0.contains("already holds a key for this address") }, "\(notes)")
    let keys = try #require(try Self.json(try gateway.run(["keys", "list", "--json"])) as? [[String: Any]])
    #expect(!keys.contains { $0["fingerprint"] as? String == fake })
    // The acknowledgement of the second case is encrypted to Rita's real key: she can read it.
    let mails = try environment.smtp.waitForMessages(count: 2, timeout: 10)
    let check = try SignedMailCheck(mails[1].data, home: environment.reporterHome)
    #expect(check.isEncrypted && check.signatureGood, "Rita cannot read the acknowledgement")
    #expect(check.text.contains("MP-\(Self.year)-0002"))
  }

  @Test("A key that the gateway holds beside the pinned one signs for the address: the verdict says it is not the known key, nothing is applied")
  func secondKeyInTheKeyringIsNotTheReporters() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    let other = try environment.addReporter(name: "Rita (other)", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(other))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "first", body: "A finding.\n",
      recipientKey: environment.gatewayFingerprint, signer: rita, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Re: [MP-\(Self.year)-0001] first",
      body: "ACCEPT\nCREDIT-AS \"Somebody Else\"\n", recipientKey: environment.gatewayFingerprint, signer: other, home: environment.reporterHome))
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "new finding", body: "Another.\n",
      recipientKey: environment.gatewayFingerprint, signer: other, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let first = try Self.export(gateway, "MP-\(Self.year)-0001")
    #expect((first["reporter"] as? [String: Any])?["creditAs"] as? String == nil)
    let followUp = try #require((first["followUps"] as? [[String: Any]])?.first)
    #expect(followUp["applied"] as? Bool == false)
    #expect((followUp["refusedKeywords"] as? [String])?.contains { $0.hasPrefix("ACCEPT: otherKey") } == true, "\(followUp)")
    let second = try Self.export(gateway, "MP-\(Self.year)-0002")
    let flags = (second["verdict"] as? [String: Any])?["flags"] as? [String] ?? []
    #expect(flags.contains("signerNotPinnedKey"), "\(flags)")
    #expect((second["reporter"] as? [String: Any])?["keyFingerprint"] as? String == nil)
  }

  @Test("A weak reporter key (RSA 1024) is never encrypted to: the acknowledgement goes signed only and the case says why")
  func weakKey() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let home = environment.reporterHome
    let made = try home.gpg(["--batch", "--passphrase", "", "--quick-generate-key", "Weak <weak@reporter.example>", "rsa1024", "sign,encr", "never"])
    try #require(made.status == 0, "gpg: \(made.stderr)")
    let weak = try #require(try home.fingerprints(secret: true).last)
    try environment.gatewayHome.importKeys(home.exportPublic(weak))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "weak@reporter.example", to: TestEnvironment.gatewayAddress, subject: "finding", body: "A finding.\n",
      recipientKey: environment.gatewayFingerprint, signer: weak, home: home))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let ack = try environment.smtp.waitForMessages(count: 1, timeout: 10)[0]
    let check = try SignedMailCheck(ack.data, home: home)
    #expect(check.isMultipartSigned && !check.isEncrypted, "the acknowledgement was encrypted to a 1024-bit key")
    let notes = (try Self.export(gateway, "MP-\(Self.year)-0001")["notes"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
    #expect(notes.contains { $0.contains("weak") && $0.contains("1024") }, "\(notes)")
  }

  @Test("Keywords in unsigned text beside a genuinely signed part are refused, the reporter is told why, the team sees it")
  func unsignedKeywordsBesideSignedText() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let (rita, gateway) = try Self.ritasFirstReport(environment)
    // A genuinely signed "thank you", and unsigned keywords beside it in the same mail.
    let signed = try environment.reporterHome.gpg(["--clearsign", "--local-user", rita], stdin: Array("Thank you for the quick answer.\r\n".utf8))
    let text = "From: rita@reporter.example\r\nTo: \(TestEnvironment.gatewayAddress)\r\nSubject: Re: [MP-\(Self.year)-0001] ...\r\n"
      + "Message-ID: <mixed@reporter.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
      + "--m\r\nContent-Type: text/plain\r\n\r\n" + Self.crlf(signed.stdoutText)
      + "\r\n--m\r\nContent-Type: text/plain\r\n\r\nCREDIT-AS \"Mallory\"\r\nDISCLOSE 2027-01-05\r\nCONSENT-NCSC yes\r\n--m--\r\n"
    try environment.dovecot.append(Array(text.utf8))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let made = try Self.export(gateway, "MP-\(Self.year)-0001")
    let reporter = made["reporter"] as? [String: Any] ?? [:]
    #expect(reporter["creditAs"] as? String == nil)
    #expect(made["consentToCoordinator"] as? Bool == nil)
    #expect((made["dates"] as? [String: Any])?["disclosureAgreed"] as? String == nil)
    let followUp = try #require((made["followUps"] as? [[String: Any]])?.first)
    #expect((followUp["refusedKeywords"] as? [String])?.count == 3, "\(followUp)")
    #expect(followUp["sender"] as? String == "rita@reporter.example")
    let notes = (made["notes"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
    #expect(notes.contains { $0.contains("not applied") }, "\(notes)")
    // The reporter is told, in a signed (and encrypted) mail, why and what to do.
    let mails = try environment.smtp.waitForMessages(count: 2, timeout: 10)
    let answer = try SignedMailCheck(mails[1].data, home: environment.reporterHome)
    #expect(answer.signatureGood)
    #expect(answer.text.contains("CREDIT-AS") && answer.text.contains("signed"), "\(answer.text)")
    #expect(!answer.text.contains("Mallory"), "the answer quotes the mail")
  }

  @Test("A stranger's mail naming an existing case opens a case of its own that says so; the reporter's case is untouched")
  func strangersFollowUp() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "finding", body: "A finding.\n"))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    try environment.dovecot.append(ReportMail.plain(from: "mallory@attacker.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "Re: [MP-\(Self.year)-0001] finding", body: "NO-CREDIT\nDISCLOSE 2027-01-05\n"))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let original = try Self.export(gateway, "MP-\(Self.year)-0001")
    #expect((original["followUps"] as? [[String: Any]])?.isEmpty == true)
    let claim = try Self.export(gateway, "MP-\(Self.year)-0002")
    #expect(claim["claimsCase"] as? String == "MP-\(Self.year)-0001")
    #expect((claim["reporter"] as? [String: Any])?["address"] as? String == "mallory@attacker.example")
  }

  @Test("Someone else's encrypted report re-sent under a new From is known as a copy; its acknowledgement reveals nothing of the original")
  func rewrappedCiphertext() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let (rita, gateway) = try Self.ritasFirstReport(
      environment, body: "Critical RCE in https://portal.example.org/upload\nCVSS: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n",
      sections: ["scope": ["inScope": ["portal.example.org"]]])
    try environment.dovecot.append(try Self.rewrapped(environment))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let made = try Self.export(gateway, "MP-\(Self.year)-0002")
    #expect(made["copyOf"] as? String == "MP-\(Self.year)-0001")
    let acks = try environment.smtp.waitForMessages(count: 2, timeout: 10).filter { $0.recipients == ["mallory@attacker.example"] }
    let ack = try #require(acks.first)
    let text = try SignedMailCheck(ack.data, home: environment.reporterHome).text
    #expect(!text.uppercased().contains(rita.uppercased()) && !text.uppercased().contains(String(rita.suffix(16)).uppercased()),
            "the acknowledgement names the original signer")
    #expect(!text.contains("What you reported is within the scope") && text.contains("We will check whether"),
            "the acknowledgement tells the scope verdict")
    if !text.contains("not by a key that carries your address") {
      let first = try Self.export(gateway, "MP-\(Self.year)-0001")
      let copy = try environment.dovecot.messages(in: "Processed").last ?? []
      Issue.record("""
        the acknowledgement does not say the signature is not the sender's: verdicts \(first["verdict"] ?? "none") and \(made["verdict"] ?? "none"); \
        gpg on the copy: \(Self.gpgVerdict(copy, environment: environment)); text: \(text)
        """)
    }
  }

  /// What gpg itself says of `mail`'s encrypted part in the gateway's key home, for a failure message.
  static func gpgVerdict(_ mail: [UInt8], environment: TestEnvironment) -> String {
    guard let message = try? MIMEMessage.parse(mail), message.root.children.count > 1,
          let result = try? Command.run("/usr/bin/gpg", ["--homedir", environment.gatewayHome.path, "--batch", "--status-fd", "2", "--decrypt"],
                                        stdin: message.decodedBody(of: message.root.children[1])) else { return "(gpg did not run)" }
    return result.stderr.split(separator: "\n").filter { $0.contains("SIG") || $0.contains("KEY") || $0.contains("ERR") || $0.contains("TRUST") }
      .joined(separator: " | ")
  }

  /// Mallory's copy of the encrypted report filed in Processed: its ciphertext lifted and armored
  /// again (other line length, an armor comment), under her own From.
  static func rewrapped(_ environment: TestEnvironment) throws -> [UInt8] {
    let original = try #require(try environment.dovecot.messages(in: "Processed").first)
    let message = try MIMEMessage.parse(original)
    let armored = message.decodedBody(of: message.root.children[1])
    let binary = try environment.reporterHome.gpg(["--dearmor"], stdin: armored).stdout
    let base64 = Data(binary).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    let rearmored = "-----BEGIN PGP MESSAGE-----\r\nComment: forwarded\r\n\r\n\(base64)\r\n-----END PGP MESSAGE-----\r\n"
    let copy = "From: mallory@attacker.example\r\nTo: \(TestEnvironment.gatewayAddress)\r\nSubject: ...\r\nMessage-ID: <copy@attacker.example>\r\n"
      + "MIME-Version: 1.0\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\r\n\r\n"
      + "--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--e\r\nContent-Type: application/octet-stream\r\n\r\n"
      + rearmored + "--e--\r\n"
    return Array(copy.utf8)
  }

  @Test("A re-sent copy of a report whose signer the gateway lacks: the acknowledgement names no key ID either")
  func rewrappedCiphertextOfAnUnknownSigner() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "...", body: "A finding.\n",
      recipientKey: environment.gatewayFingerprint, signer: rita, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    try environment.dovecot.append(try Self.rewrapped(environment))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    #expect(try Self.export(gateway, "MP-\(Self.year)-0002")["copyOf"] as? String == "MP-\(Self.year)-0001")
    let acks = try environment.smtp.waitForMessages(count: 2, timeout: 10).filter { $0.recipients == ["mallory@attacker.example"] }
    let text = try SignedMailCheck(try #require(acks.first).data, home: environment.reporterHome).text
    #expect(!text.uppercased().contains(String(rita.suffix(16)).uppercased()), "the acknowledgement names the signer's key ID: \(text)")
    if !text.contains("signed by a key we do not have") {
      let copy = try environment.dovecot.messages(in: "Processed").last ?? []
      Issue.record("""
        the acknowledgement does not say the signer's key is missing: verdicts \(try Self.export(gateway, "MP-\(Self.year)-0001")["verdict"] ?? "none") \
        and \(try Self.export(gateway, "MP-\(Self.year)-0002")["verdict"] ?? "none"); gpg on the copy: \(Self.gpgVerdict(copy, environment: environment)); \
        text: \(text)
        """)
    }
  }

  @Test("A first report signed by a key the gateway lacks: the key attached to a later signed reply is pinned, the original verified again, keywords applied")
  func awaitedKeyArrives() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "finding", body: "A finding.\n",
      recipientKey: environment.gatewayFingerprint, signer: rita, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let first = try Self.export(gateway, "MP-\(Self.year)-0001")
    #expect((first["verdict"] as? [String: Any])?["signature"] as? String == "unknownKey")
    #expect((first["awaitedSignerKey"] as? String).map { rita.hasSuffix($0) } == true, "\(first["awaitedSignerKey"] ?? "nil")")
    try environment.dovecot.append(try Self.signedWithKey(
      from: "rita@reporter.example", subject: "Re: [MP-\(Self.year)-0001] finding", body: "Here is my key.\nACCEPT\nCREDIT-AS \"Rita R.\"\n",
      signer: rita, home: environment.reporterHome, key: environment.reporterHome.exportPublic(rita)))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let after = try Self.export(gateway, "MP-\(Self.year)-0001")
    #expect((after["verdict"] as? [String: Any])?["signature"] as? String == "valid")
    #expect((after["reporter"] as? [String: Any])?["keyFingerprint"] as? String == rita)
    #expect((after["reporter"] as? [String: Any])?["creditAs"] as? String == "Rita R.")
    #expect(after["awaitedSignerKey"] as? String == nil)
  }
}
