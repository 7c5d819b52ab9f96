import Foundation
import Testing
@testable import Gateway

@Suite struct ArmorTests {
  @Test func findsBlocksAtLineStartsOnly() {
    let text = Array("before\n-----BEGIN PGP MESSAGE-----\n\nhQEM\n=abcd\n-----END PGP MESSAGE-----\nafter\n x-----BEGIN PGP MESSAGE-----\n".utf8)
    let blocks = Armor.blocks(in: text)
    #expect(blocks.count == 1)
    #expect(blocks.first?.kind == .message)
    #expect(String(decoding: text[blocks[0].range], as: UTF8.self).hasSuffix("-----END PGP MESSAGE-----\n"))
  }

  @Test func repairsNBSPAndTrailingBlanks() throws {
    let text = Array("-----BEGIN PGP MESSAGE-----  \r\n\u{00A0}\r\nhQEM \r\n-----END PGP MESSAGE-----\r\n".utf8)
    let block = try #require(Armor.blocks(in: text).first)
    #expect(String(decoding: block.normalized, as: UTF8.self) == "-----BEGIN PGP MESSAGE-----\n\nhQEM\n-----END PGP MESSAGE-----\n")
  }

  @Test func ignoresUnterminatedAndUnknownBlocks() {
    #expect(Armor.blocks(in: Array("-----BEGIN PGP MESSAGE-----\nabc\n".utf8)).isEmpty)
    #expect(Armor.blocks(in: Array("-----BEGIN PGP NONSENSE-----\n-----END PGP NONSENSE-----\n".utf8)).isEmpty)
  }
}

@Suite struct MailAddressTests {
  @Test(arguments: [
    ("Rita Reporter <rita@reporter.example>", "Rita Reporter", "rita@reporter.example"),
    ("\"Reporter, Rita\" <rita@reporter.example>", "Reporter, Rita", "rita@reporter.example"),
    ("rita@reporter.example", nil, "rita@reporter.example"),
    ("rita@reporter.example (Rita)", nil, "rita@reporter.example"),
  ] as [(String, String?, String)])
  func parses(_ value: String, _ name: String?, _ address: String) throws {
    let parsed = try #require(MailAddress.parse(value))
    #expect(parsed.name == name)
    #expect(parsed.address == address)
  }

  @Test(arguments: ["", "no address", "<a@b\r\nBcc: x@y.org>", "a@b@c.org", "<@example.org>"])
  func rejects(_ value: String) {
    #expect(MailAddress.parse(value) == nil)
  }
}

@Suite struct ReplyPolicyTests {
  let gateway = "security@example.org"

  @Test func answersOrdinaryMail() {
    #expect(ReplyPolicy.refusal(to: "rita@reporter.example", headers: AutoReplyHeaders(), gatewayAddress: gateway) == nil)
    #expect(ReplyPolicy.refusal(to: "rita@reporter.example", headers: AutoReplyHeaders(autoSubmitted: "no"), gatewayAddress: gateway) == nil)
  }

  @Test func neverAnswersMachinesListsOrItself() {
    #expect(ReplyPolicy.refusal(to: "rita@reporter.example", headers: AutoReplyHeaders(autoSubmitted: "auto-replied"), gatewayAddress: gateway) != nil)
    #expect(ReplyPolicy.refusal(to: "rita@reporter.example", headers: AutoReplyHeaders(precedence: "bulk"), gatewayAddress: gateway) != nil)
    #expect(ReplyPolicy.refusal(to: "rita@reporter.example", headers: AutoReplyHeaders(listID: "<x.lists.example>"), gatewayAddress: gateway) != nil)
    #expect(ReplyPolicy.refusal(to: "MAILER-DAEMON@mx.example", headers: AutoReplyHeaders(), gatewayAddress: gateway) != nil)
    #expect(ReplyPolicy.refusal(to: "Security@Example.org", headers: AutoReplyHeaders(), gatewayAddress: gateway) != nil)
    #expect(ReplyPolicy.refusal(to: "not an address", headers: AutoReplyHeaders(), gatewayAddress: gateway) != nil)
  }
}

@Suite struct OutgoingMessageTests {
  @Test func quotedPrintableKeepsSignedBytesStable() {
    let encoded = String(decoding: OutgoingMessage.quotedPrintable("-- \nFrom here\nünïcode = " + String(repeating: "x", count: 100)), as: UTF8.self)
    #expect(encoded.hasPrefix("--=20\r\n=46rom here\r\n"))
    #expect(encoded.contains("=C3=BC"))
    #expect(encoded.split(separator: "\r\n").allSatisfy { $0.count <= 76 })
  }

  @Test func headerValuesCannotInjectHeaders() {
    #expect(OutgoingMessage.headerSafe("a\r\nBcc: x@y") == "aBcc: x@y")
    #expect(OutgoingMessage.messageIDSafe("<a@b>\r\nBcc: x") == nil)
    #expect(OutgoingMessage.messageIDSafe("<abc@example.org>") == "<abc@example.org>")
    #expect(OutgoingMessage.encodedWord("Über") == "=?UTF-8?B?w5xiZXI=?=")
  }
}

@Suite struct HeaderScanTests {
  @Test func findsMessageIDInHeadersOnly() {
    #expect(HeaderScan.messageID(Array("From: a\r\nMessage-ID: <x@y>\r\n\r\nbody".utf8)) == "<x@y>")
    #expect(HeaderScan.messageID(Array("From: a\r\n\r\nMessage-ID: <x@y>\r\n".utf8)) == nil)
    #expect(HeaderScan.messageID(Array("Message-Id:\r\n <folded@y>\r\n\r\n".utf8)) == "<folded@y>")
  }
}

@Suite struct ConfigurationTests {
  static func writeConfig(_ json: String) throws -> String {
    let dir = NSTemporaryDirectory() + "mp-cfg-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try Data(json.utf8).write(to: URL(fileURLWithPath: dir + "/meldpunt.json"))
    try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: dir + "/imap.password"))
    return dir + "/meldpunt.json"
  }

  static let minimal = """
    {"imap": {"url": "imaps://mail.example.org/INBOX", "user": "u", "passwordFile": "imap.password"},
     "smtp": {"url": "smtp://mail.example.org:587"}, "gateway": {"address": "security@example.org"},
     "gnupg": {"home": "gnupg"}, "database": {"path": "db.sqlite"}}
    """

  @Test func readsTheFileAndResolvesRelativePaths() async throws {
    let path = try Self.writeConfig(Self.minimal)
    let config = try await ConfigurationLoader.load(path: path, environment: [:])
    let dir = (path as NSString).deletingLastPathComponent
    #expect(config.imap.password == "s3cret")
    #expect(config.gnupgHome == dir + "/gnupg")
    #expect(config.databasePath == dir + "/db.sqlite")
    #expect(config.processedFolder == "Processed")
    #expect(config.timeline.defaultFixDays == 60)
    #expect(!config.description.contains("s3cret"))
  }

  @Test func theEnvironmentOverridesEveryKey() async throws {
    let path = try Self.writeConfig(Self.minimal)
    let config = try await ConfigurationLoader.load(path: path, environment: [
      "MELDPUNT_IMAP_PROCESSED_FOLDER": "Done", "MELDPUNT_GATEWAY_POLL_SECONDS": "5",
      "MELDPUNT_IMAP_PASSWORD": "from-env", "MELDPUNT_TIMELINE_FIX_DAYS_CRITICAL": "7",
    ])
    #expect(config.processedFolder == "Done")
    #expect(config.pollSeconds == 5)
    #expect(config.imap.password == "from-env")
    #expect(config.timeline.fixDays[.critical] == 7)
    #expect(ConfigurationLoader.environmentName("imap.passwordFile") == "MELDPUNT_IMAP_PASSWORD_FILE")
  }

  @Test func aPasswordInTheConfigFileIsRefused() async throws {
    let path = try Self.writeConfig(Self.minimal.replacingOccurrences(of: "\"user\": \"u\"", with: "\"user\": \"u\", \"password\": \"oops\""))
    await #expect(throws: ConfigurationError.self) { try await ConfigurationLoader.load(path: path, environment: [:]) }
  }

  @Test func missingKeysAreNamed() async throws {
    let path = try Self.writeConfig("{}")
    do {
      _ = try await ConfigurationLoader.load(path: path, environment: [:])
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("imap.url"))
      #expect(error.description.contains("MELDPUNT_IMAP_URL"))
    }
  }
}

@Suite struct InsignificantTextTests {
  /// Text outside the encryption that says nothing is not flagged; the quick check for a
  /// letter must agree with the line-by-line rule it stands in front of.
  @Test("Blank lines and signature separators are insignificant; the quick check agrees on 20 000 random texts")
  func agreesWithTheLineRule() {
    func lineRule(_ text: String) -> Bool {
      text.split(whereSeparator: \.isNewline).allSatisfy { line in
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "--"
      }
    }
    #expect(Walk.isInsignificant("\r\n-- \n\t\n"))
    #expect(Walk.isInsignificant(""))
    #expect(!Walk.isInsignificant("-- \nBob"))
    #expect(!Walk.isInsignificant("---"))
    var state: UInt64 = 0xD1B5_4A32_D192_ED03
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    let pieces = [" ", "\t", "\n", "\r\n", "-", "--", "\u{A0}", "\u{2028}", "\u{200B}", "\u{301}", "a", "\u{85}", "\u{B}"]
    for _ in 0..<20_000 {
      let text = (0..<next(8)).map { _ in pieces[next(pieces.count)] }.joined()
      #expect(Walk.isInsignificant(text) == lineRule(text), "\(Array(text.unicodeScalars))")
    }
  }
}
