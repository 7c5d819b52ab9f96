import Foundation
import MeldpuntTesting
import Testing

/// What admins do with keys and publication, through the real binary.
@Suite("Keys, publication and doctor", .serialized)
struct KeysAndPublicationCommandTests {
  static func json(_ result: CommandResult) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout))
  }

  @Test("Rotation: mail to the old key still decrypts, acknowledgements are signed by the new key, both are published")
  func rotation() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let old = environment.gatewayFingerprint
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(), namesSigningKey: false)
    // A key made with gpg in the key home is the gateway's only once adopted (issue 18).
    let refused = try gateway.run(["process", "--once"])
    #expect(refused.status != 0 && refused.stderr.contains("keys adopt"), "\(refused.stderr)")
    #expect(try gateway.run(["keys", "adopt", old, "--actor", "admin"]).status == 0)
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let rotated = try gateway.run(["keys", "rotate", "--actor", "admin"])
    #expect(rotated.status == 0, "\(rotated.stderr)")
    let keys = try #require(try Self.json(try gateway.run(["keys", "list", "--json"])) as? [[String: Any]])
    let gatewayKeys = keys.filter { $0["role"] as? String == "gateway" }.compactMap { $0["fingerprint"] as? String }
    #expect(gatewayKeys.count == 2)
    let new = try #require(gatewayKeys.first { $0 != old })

    // The reporter still uses the old key.
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "to the old key", body: "finding",
      recipientKey: old, signer: nil, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let made = try #require(try Self.json(try gateway.run(["cases", "list", "--json"])) as? [[String: Any]])
    #expect(made.first?["encryption"] as? String == "full")
    let exported = try gateway.run(["keys", "export", "--public"])
    #expect(exported.status == 0)
    #expect(!exported.stdoutText.contains("PRIVATE KEY"))
    try environment.reporterHome.importKeys(exported.stdout)
    let ack = try SignedMailCheck(try environment.smtp.waitForMessages(count: 1, timeout: 10)[0].data, home: environment.reporterHome)
    #expect(ack.signatureGood)
    #expect(ack.signerFingerprint?.uppercased() == new.uppercased())

    // Both keys are published while the old one is still valid.
    let site = environment.directory + "/site"
    let published = try gateway.run(["publish", "--out", site, "--sign", "--base-url", "https://example.org"])
    #expect(published.status == 0, "\(published.stderr)")
    let securityTxt = try String(contentsOfFile: site + "/.well-known/security.txt", encoding: .utf8)
    #expect(securityTxt.contains("Contact: mailto:security@example.org"))
    #expect(securityTxt.contains("BEGIN PGP SIGNED MESSAGE"))
    let verify = try environment.reporterHome.gpg(["--verify", site + "/.well-known/security.txt"])
    #expect(verify.status == 0, "\(verify.stderr)")
    let keyFile = try String(contentsOfFile: site + "/pgp-key.asc", encoding: .utf8)
    #expect(keyFile.contains("BEGIN PGP PUBLIC KEY BLOCK"))
    for language in ["en", "nl"] {
      #expect(FileManager.default.fileExists(atPath: site + "/policy.\(language).html"))
    }

    // Revoking the old key: it stops signing, and its mail still decrypts.
    #expect(try gateway.run(["keys", "revoke", old]).status == 0)
    let after = try #require(try Self.json(try gateway.run(["keys", "list", "--json"])) as? [[String: Any]])
    #expect(after.first { $0["fingerprint"] as? String == old }?["state"] as? String == "revoked")
  }

  @Test("A second key for a reporter's address is flagged, never swapped in (the first admin import is pinned); doctor warns")
  func reporterKeyConflict() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let first = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    let second = try environment.addReporter(name: "Rita (new laptop?)", email: "rita@reporter.example")
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let firstFile = environment.directory + "/first.asc", secondFile = environment.directory + "/second.asc"
    try Data(try environment.reporterHome.exportPublic(first)).write(to: URL(fileURLWithPath: firstFile))
    try Data(try environment.reporterHome.exportPublic(second)).write(to: URL(fileURLWithPath: secondFile))
    #expect(try gateway.run(["keys", "import", firstFile]).status == 0)
    let imported = try gateway.run(["keys", "import", secondFile])
    #expect(imported.stdoutText.contains("already has the pinned key \(first)"), "\(imported.stdoutText)")
    let listed = try gateway.run(["keys", "list"])
    #expect(listed.stdoutText.contains("CONFLICT"))
    // The acknowledgement is encrypted to the pinned key only, never to the second one.
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "plain", body: "report"))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let mail = try environment.smtp.waitForMessages(count: 1, timeout: 10)[0]
    let ack = try SignedMailCheck(mail.data, home: environment.reporterHome)
    #expect(ack.isEncrypted && ack.signatureGood)
    let packets = try environment.reporterHome.gpg(["--list-packets", "--list-only"], stdin: ack.message.decodedBody(of: ack.message.root.children[1]))
    let recipients = (packets.stdoutText + packets.stderr).split(separator: "\n").filter { $0.contains("pubkey enc packet") }
    #expect(recipients.count == 1, "\(recipients)")
    let secondSubkeys = try environment.reporterHome.gpg(["--with-colons", "--list-keys", second]).stdoutText
      .split(separator: "\n").filter { $0.hasPrefix("sub:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[4]) }
    #expect(!recipients.contains { line in secondSubkeys.contains { line.contains($0) } }, "encrypted to the second key")
    let doctor = try gateway.run(["doctor"])
    #expect(doctor.stdoutText.contains("WARNING  reporter keys"))
    #expect(doctor.status == 0, "\(doctor.stdoutText)")
  }

  @Test("doctor says what is wrong: open key home, wrong IMAP password; and all is well when it is")
  func doctor() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let healthy = try gateway.run(["doctor"])
    #expect(healthy.status == 0, "\(healthy.stdoutText)")
    #expect(healthy.stdoutText.contains("ok       imap"))
    #expect(healthy.stdoutText.contains("ok       smtp"))

    let wrong = environment.directory + "/wrong-password"
    try Data("not-the-password".utf8).write(to: URL(fileURLWithPath: wrong))
    chmod(environment.gatewayHome.path, 0o755)
    defer { chmod(environment.gatewayHome.path, 0o700) }
    let broken = try gateway.run(["doctor"], environment: ["MELDPUNT_IMAP_PASSWORD_FILE": wrong])
    #expect(broken.status != 0)
    #expect(broken.stdoutText.contains("PROBLEM  key home"))
    #expect(broken.stdoutText.contains("chmod 700"))
    #expect(broken.stdoutText.contains("PROBLEM  imap"))
    #expect(!broken.stdoutText.contains("not-the-password"))
  }

  @Test("Disclosure exports and the digest from the command line")
  func exportsAndDigest() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    try environment.dovecot.append(ReportMail.plain(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "XSS",
      body: "CVE-2026-12345 in https://portal.example.org, CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N, CWE-79"))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let id = "MP-\(CaseWorkTests.year)-0001"
    let csaf = try #require(try Self.json(try gateway.run(["cases", "export", id, "--csaf"])) as? [String: Any])
    #expect((csaf["document"] as? [String: Any])?["csaf_version"] as? String == "2.0")
    let osv = try #require(try Self.json(try gateway.run(["cases", "export", id, "--osv"])) as? [String: Any])
    #expect((osv["aliases"] as? [String]) == ["CVE-2026-12345"])
    #expect(try gateway.run(["cases", "export", id]).status != 0)
    let digest = try gateway.run(["report", "--json"])
    #expect(digest.status == 0, "\(digest.stderr)")
    #expect((try Self.json(digest) as? [String: Any])?["cases"] as? Int == 1)
    #expect(try gateway.run(["report"]).status == 0)
  }
}

extension KeysAndPublicationCommandTests {
  @Test("A gateway key close to its expiry is warned about by doctor and in the service log")
  func expiryWarnings() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)
    #expect(try gateway.run(["keys", "generate", "--expires", "10d"]).status == 0)
    let doctor = try gateway.run(["doctor"])
    #expect(doctor.stdoutText.contains("WARNING  gateway key"), "\(doctor.stdoutText)")
    #expect(doctor.stdoutText.contains("keys rotate"))
    let service = try gateway.startService()
    var waited = 0
    while !service.log.contains("expires soon") && waited < 100 { Thread.sleep(forTimeInterval: 0.1); waited += 1 }
    #expect(service.stop() == 0)
    #expect(service.log.contains("Gateway key expires soon"))
  }
}
