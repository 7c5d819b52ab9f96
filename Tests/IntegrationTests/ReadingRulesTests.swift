import Foundation
import MeldpuntTesting
import Testing

/// The reading rules of issue 4 that the corpus does not show: keys attached by
/// the reporter, several signers, separately encrypted files, limits, plaintext
/// policy, Bcc copies, and quarantine that an admin can retry.
@Suite("Reading rules", .serialized)
struct ReadingRulesTests {
  /// A PGP/MIME mail around any MIME entity, encrypted to `recipient` and signed by each of `signers` in one OpenPGP message.
  static func pgpMIME(entity: String, from: String, to: String, subject: String, recipient: String, signers: [String],
                      home: GnuPGHome) throws -> [UInt8] {
    var args = ["--armor", "--trust-model", "always", "--encrypt", "--recipient", recipient]
    if !signers.isEmpty { args.append("--sign") }
    for signer in signers { args += ["--local-user", signer] }
    let result = try home.gpg(["--pinentry-mode", "loopback", "--passphrase", ""] + args, stdin: Array(entity.utf8))
    try #require(result.status == 0, "gpg failed: \(result.stderr)")
    let boundary = "b-\(UUID().uuidString)"
    let text = """
      From: \(from)\r
      To: \(to)\r
      Subject: \(subject)\r
      Message-ID: <\(UUID().uuidString)@test.example>\r
      MIME-Version: 1.0\r
      Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="\(boundary)"\r
      \r
      --\(boundary)\r
      Content-Type: application/pgp-encrypted\r
      \r
      Version: 1\r
      \r
      --\(boundary)\r
      Content-Type: application/octet-stream; name="encrypted.asc"\r
      \r
      \(String(decoding: result.stdout, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n"))\r
      --\(boundary)--\r

      """
    return Array(text.utf8)
  }

  static func inspect(_ mail: [UInt8], home: GnuPGHome, extra: [String] = []) throws -> [String: Any] {
    let file = home.path + "/mail-\(UUID().uuidString).eml"
    try Data(mail).write(to: URL(fileURLWithPath: file))
    let result = try Command.run(GatewaySetup.locateBinary(), ["inspect", "--gnupghome", home.path, "--json"] + extra + [file])
    try #require(result.status == 0, "inspect failed: \(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
  }

  @Test("Armor without the optional CRC line and without base64 padding (RFC 9580 allows both): a good signature stays good")
  func armorWithoutChecksum() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    // A message whose binary length is a multiple of three: its base64 has no padding. The
    // length follows the compressed text, so a few lengths of text are tried.
    var binary: [UInt8] = []
    for padding in 0..<24 where binary.isEmpty {
      let entity = "Content-Type: text/plain\r\n\r\nThe finding.\(String(repeating: " ", count: padding))\r\n"
      let made = try environment.reporterHome.gpg(["--trust-model", "always", "--encrypt", "--sign", "--recipient", environment.gatewayFingerprint,
                                                   "--local-user", rita], stdin: Array(entity.utf8))
      try #require(made.status == 0, "gpg: \(made.stderr)")
      if made.stdout.count % 3 == 0 { binary = made.stdout }
    }
    try #require(!binary.isEmpty, "no message of a length divisible by three in 24 tries")
    let base64 = Data(binary).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    let armored = "-----BEGIN PGP MESSAGE-----\r\n\r\n\(base64)\r\n-----END PGP MESSAGE-----\r\n"
    // gpg itself stumbles over this armor: a stray "packet" after the signature, which GPGME
    // reports as the signature's failure.
    let direct = try environment.gatewayHome.gpg(["--status-fd", "2", "--decrypt"], stdin: Array(armored.utf8))
    #expect(direct.stderr.contains("NODATA 3"), "gpg reads this armor cleanly now; the test no longer shows the problem")
    let mail = "From: rita@reporter.example\r\nTo: \(TestEnvironment.gatewayAddress)\r\nSubject: crc-less armor\r\nMIME-Version: 1.0\r\n"
      + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\r\n\r\n"
      + "--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--e\r\nContent-Type: application/octet-stream\r\n\r\n"
      + armored + "--e--\r\n"
    let judged = try Self.inspect(Array(mail.utf8), home: environment.gatewayHome)
    #expect(judged["encryption"] as? String == "full")
    #expect(judged["signature"] as? String == "valid", "\(judged)")
    #expect(judged["signerMatchesFrom"] as? Bool == true)
  }

  @Test("A key the reporter attached inside the encryption is imported, used, and flagged")
  func attachedKeyIsImportedAndFlagged() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let reporter = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    let key = String(decoding: try environment.reporterHome.exportPublic(reporter), as: UTF8.self)
    let entity = "Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nThe finding.\r\n--inner\r\nContent-Type: application/pgp-keys; name=\"key.asc\"\r\n\r\n\(key)\r\n--inner--\r\n"
    let mail = try Self.pgpMIME(entity: entity, from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                subject: "Report", recipient: environment.gatewayFingerprint, signers: [reporter],
                                home: environment.reporterHome)
    // inspect leaves the key home alone unless asked.
    let untouched = try Self.inspect(mail, home: environment.gatewayHome)
    #expect(untouched["signature"] as? String == "unknownKey")
    let judged = try Self.inspect(mail, home: environment.gatewayHome, extra: ["--import-keys"])
    #expect(judged["signature"] as? String == "valid")
    #expect(judged["signerMatchesFrom"] as? Bool == true)
    #expect((judged["flags"] as? [String])?.contains("attachedKeyImported") == true)
  }

  @Test("With two signers, the one that carries the From address counts and the other is listed")
  func severalSignatures() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let colleague = try environment.addReporter(name: "Colin", email: "colin@reporter.example")
    let reporter = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    for key in [colleague, reporter] { try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(key)) }
    let mail = try Self.pgpMIME(entity: "Content-Type: text/plain\r\n\r\nSigned by two.\r\n", from: "rita@reporter.example",
                                to: TestEnvironment.gatewayAddress, subject: "Two", recipient: environment.gatewayFingerprint,
                                signers: [colleague, reporter], home: environment.reporterHome)
    let judged = try Self.inspect(mail, home: environment.gatewayHome)
    #expect(judged["signature"] as? String == "valid")
    #expect((judged["signerFingerprint"] as? String)?.uppercased() == reporter.uppercased())
    let others = judged["otherSignatures"] as? [[String: Any]] ?? []
    #expect(others.map { ($0["fingerprint"] as? String)?.uppercased() } == [colleague.uppercased()])
  }

  @Test("A separately encrypted attachment is decrypted and judged; the clear text beside it is not called encrypted")
  func separatelyEncryptedAttachment() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let encrypted = try environment.reporterHome.gpg(["--trust-model", "always", "--encrypt", "--recipient", environment.gatewayFingerprint],
                                                     stdin: Array("%PDF-1.4 proof of concept".utf8))
    try #require(encrypted.status == 0)
    let mail = """
      From: rita@reporter.example\r
      To: security@example.org\r
      Subject: See attachment\r
      MIME-Version: 1.0\r
      Content-Type: multipart/mixed; boundary="outer"\r
      \r
      --outer\r
      Content-Type: text/plain\r
      \r
      Details are in the encrypted file.\r
      --outer\r
      Content-Type: application/octet-stream; name="report.pdf.gpg"\r
      Content-Disposition: attachment; filename="report.pdf.gpg"\r
      Content-Transfer-Encoding: base64\r
      \r
      \(Data(encrypted.stdout).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))\r
      --outer--\r

      """
    let judged = try Self.inspect(Array(mail.utf8), home: environment.gatewayHome)
    #expect(judged["encryption"] as? String == "partial")
    #expect((judged["flags"] as? [String])?.contains("unencryptedTextOutsideEncryptedPart") == true)
    let files = judged["attachments"] as? [[String: Any]] ?? []
    #expect(files.count == 1)
    #expect(files.first?["name"] as? String == "report.pdf")
    #expect(files.first?["encrypted"] as? Bool == true)
    #expect(files.first?["size"] as? Int == 25)
  }

  @Test("A binary attachment that happens to start like an OpenPGP packet is a file, not an undecryptable mail")
  func binaryAttachmentThatLooksLikeAPacket() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let reporter = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(reporter))
    // Random bytes (a memory dump, a capture) whose first bytes read as packet headers:
    // an encrypted session key, integrity-protected data, a public key.
    for head: [UInt8] in [[0x84, 0x5E, 0x03], [0xD2, 0x00, 0x01], [0xC6, 0x33, 0x04], [0x85, 0x01, 0x0C, 0x03]] {
      let bytes = head + (0..<2_000).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 7) }
      let entity = "Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\n"
        + "Heap dump attached.\r\n--inner\r\nContent-Type: application/octet-stream; name=\"heap.bin\"\r\n"
        + "Content-Disposition: attachment; filename=\"heap.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        + "\r\n--inner--\r\n"
      let mail = try Self.pgpMIME(entity: entity, from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                  subject: "Crash", recipient: environment.gatewayFingerprint, signers: [reporter],
                                  home: environment.reporterHome)
      let judged = try Self.inspect(mail, home: environment.gatewayHome)
      #expect(judged["encryption"] as? String == "full", "first bytes \(head)")
      #expect(judged["signature"] as? String == "valid", "first bytes \(head)")
      let files = judged["attachments"] as? [[String: Any]] ?? []
      #expect(files.map { $0["name"] as? String } == ["heap.bin"], "first bytes \(head)")
      #expect(files.first?["size"] as? Int == bytes.count, "first bytes \(head)")
    }
  }

  @Test("A copy that reached the gateway by Bcc decrypts: the key comes from the message's recipients")
  func bccCopyDecrypts() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let mail = try ReportMail.pgpMIMEEncrypted(from: "rita@reporter.example", to: "vendor@elsewhere.example", subject: "Bcc",
                                              body: "to the vendor, bcc the gateway", recipientKey: environment.gatewayFingerprint,
                                              signer: nil, home: environment.reporterHome)
    #expect(try Self.inspect(mail, home: environment.gatewayHome)["encryption"] as? String == "full")
  }

  @Test("An OpenPGP compression bomb is refused, not unpacked")
  func compressionBomb() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let zeros = [UInt8](repeating: 0x41, count: 8 * 1024 * 1024)
    let bomb = try environment.reporterHome.gpg(["--armor", "--trust-model", "always", "--compress-level", "9", "--encrypt",
                                                 "--recipient", environment.gatewayFingerprint], stdin: zeros)
    try #require(bomb.status == 0)
    #expect(bomb.stdout.count < 200_000)
    let mail = Array(("From: x@reporter.example\r\nSubject: bomb\r\nContent-Type: text/plain\r\n\r\n" + String(decoding: bomb.stdout, as: UTF8.self)).utf8)
    let config = environment.directory + "/limits.json"
    try Data("{\"limits\": {\"maxDecryptedBytes\": 1048576}, \"imap\": {\"url\": \"imap://127.0.0.1/INBOX\"}, \"smtp\": {\"url\": \"smtp://127.0.0.1\"}, \"gateway\": {\"address\": \"security@example.org\"}, \"gnupg\": {\"home\": \"\(environment.gatewayHome.path)\"}, \"database\": {\"path\": \"x.sqlite\"}}".utf8)
      .write(to: URL(fileURLWithPath: config))
    let judged = try Self.inspect(mail, home: environment.gatewayHome, extra: ["--config", config])
    #expect(judged["outcome"] as? String == "rejected")
    #expect(judged["reason"] as? String == "decryptedTooLarge")
  }

  @Test("Mails over a limit, and plaintext when it is refused, are quarantined with the reason; a fixed cause can be retried")
  func quarantineAndRetry() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    // A second gateway key that is not (yet) in the key home, e.g. an old key from before a migration.
    let oldHome = try GnuPGHome.make()
    defer { oldHome.killAgent() }
    let oldKey = try oldHome.generateKey(name: "Old Gateway", email: TestEnvironment.gatewayAddress)
    try environment.reporterHome.importKeys(oldHome.exportPublic(oldKey))
    let toOldKey = try ReportMail.pgpMIMEEncrypted(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                  subject: "For the old key", body: "finding", recipientKey: oldKey, signer: nil,
                                                  home: environment.reporterHome)
    var manyParts = "From: rita@reporter.example\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n"
    for n in 1...6 { manyParts += "--p\r\nContent-Type: text/plain\r\n\r\npart \(n)\r\n" }
    manyParts += "--p--\r\n"
    let plaintext = ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "clear", body: "not encrypted")
    for mail in [toOldKey, Array(manyParts.utf8), plaintext] { try environment.dovecot.append(mail) }

    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(),
                                   extra: ["acceptPlaintext": false])
    // Limits are read like every key: here from the environment.
    let run = try gateway.run(["process", "--once"], environment: ["MELDPUNT_LIMITS_MAX_PARTS": "4"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try environment.dovecot.messages(in: "Quarantine").count == 3)
    // One "could not read" notice each, no acknowledgement.
    let notices = try environment.smtp.waitForMessages(count: 3, timeout: 10)
    #expect(notices.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("MP-") })
    let listed = try gateway.run(["quarantine", "list", "--json"])
    let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout)) as? [[String: Any]])
    #expect(entries.compactMap { $0["reason"] as? String } == ["noSecretKey", "overLimit", "plaintextRefused"])
    #expect((entries[1]["detail"] as? String)?.contains("limits.maxParts") == true)
    let shown = try gateway.run(["quarantine", "show", "1"])
    #expect(shown.stdoutText.contains("noSecretKey"))
    let raw = try gateway.run(["quarantine", "show", "1", "--raw"])
    #expect(raw.stdout == toOldKey)

    // Still no key: retry says so and exits non-zero.
    let early = try gateway.run(["quarantine", "retry", "1"])
    #expect(early.status != 0)
    #expect(early.stdoutText.contains("noSecretKey"))
    // The admin imports the old secret key; now it reads, opens a case and acknowledges.
    try environment.gatewayHome.importKeys(oldHome.exportSecret(oldKey, passphrase: nil))
    let retried = try gateway.run(["quarantine", "retry", "1"])
    #expect(retried.status == 0, "\(retried.stderr)")
    #expect(retried.stdoutText.contains("MP-"))
    let all = try environment.smtp.waitForMessages(count: 4, timeout: 10)
    #expect(all.count == 4)
    #expect(String(decoding: all[3].data, as: UTF8.self).contains("MP-"))
    let after = try gateway.run(["quarantine", "list", "--json"])
    #expect((try JSONSerialization.jsonObject(with: Data(after.stdout)) as? [[String: Any]])?.count == 2)
  }
}

extension ReadingRulesTests {
  @Test("Verdict-looking headers that arrive with a mail are never believed")
  func spoofedCryptoHeadersAreIgnored() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let mail = "From: mallory@attacker.example\r\nX-Meldpunt-Encryption: full\r\nX-Meldpunt-Signature: valid\r\nX-PGP-Signed: yes\r\nSubject: trust me\r\nContent-Type: text/plain\r\n\r\nPlain text.\r\n"
    let judged = try Self.inspect(Array(mail.utf8), home: home)
    #expect(judged["encryption"] as? String == "none")
    #expect(judged["signature"] as? String == "none")
  }
}

extension ReadingRulesTests {
  @Test("Inline PGP pasted into an HTML body (line breaks as <br>) is found and decrypted")
  func inlinePGPInHTML() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let armored = try environment.reporterHome.encrypt(Array("secret in html".utf8), to: [environment.gatewayFingerprint])
    let html = "<html><body><p>" + String(decoding: armored, as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "&nbsp;" : String($0) }.joined(separator: "<br>\r\n")
      + "</p></body></html>"
    let mail = "From: rita@reporter.example\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
    let judged = try Self.inspect(Array(mail.utf8), home: environment.gatewayHome)
    #expect(judged["outcome"] as? String == "report")
    #expect(judged["encryption"] as? String == "full")
  }
}

extension ReadingRulesTests {
  @Test("An Autocrypt header's key is used only for its own address and only when that key signed the message")
  func autocryptKey() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    let mallory = try environment.addReporter(name: "Mallory", email: "rita@reporter.example")
    func autocrypt(_ key: String) throws -> String {
      let binary = try environment.reporterHome.gpg(["--export", key]).stdout
      return "Autocrypt: addr=rita@reporter.example; prefer-encrypt=mutual; keydata=\r\n "
        + Data(binary).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
          .replacingOccurrences(of: "\r\n", with: "\r\n ") + "\r\n"
    }
    let signed = try ReportMail.pgpMIMEEncrypted(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "ac",
                                                body: "finding", recipientKey: environment.gatewayFingerprint, signer: rita,
                                                home: environment.reporterHome)
    // A header with another key than the signer's is not believed.
    let wrong = try Self.inspect(Array(try autocrypt(mallory).utf8) + signed, home: environment.gatewayHome, extra: ["--import-keys"])
    #expect(wrong["signature"] as? String == "unknownKey")
    let right = try Self.inspect(Array(try autocrypt(rita).utf8) + signed, home: environment.gatewayHome, extra: ["--import-keys"])
    #expect(right["signature"] as? String == "valid")
    #expect((right["flags"] as? [String])?.contains("attachedKeyImported") == true)
  }
}
