import Cases
import Foundation
import Gateway
import MeldpuntTesting
import OpenPGP
import Testing
import Transport

/// `meldpunt publish`: security.txt, the key, the Web Key Directory and the policy
/// pages, checked with real gpg and gpg-wks-client rather than with our own readers.
@Suite("Publication")
struct PublicationTests {
  static let address = "security@example.org"
  static let passphrase = "publication-test-passphrase"
  static let hostileOrganisation = "Example <script>alert(1)</script> & \"Co\""
  static let baseURL = "https://example.org"

  /// A gateway key home with a passphrase-protected key for security@example.org.
  struct Fixture {
    let home: GnuPGHome
    let fingerprint: String
    let configuration: GatewayConfiguration

    init(organisation: String = PublicationTests.hostileOrganisation) throws {
      home = try GnuPGHome.make()
      fingerprint = try home.generateKey(name: "Security", email: PublicationTests.address, passphrase: PublicationTests.passphrase)
      var configuration = GatewayConfiguration(
        imap: ServerEndpoint(url: "imaps://mail.example.org:993/INBOX"), smtp: ServerEndpoint(url: "smtp://mail.example.org:587"),
        address: PublicationTests.address, organisation: organisation, gnupgHome: home.path,
        passphrase: PublicationTests.passphrase, databasePath: "/nonexistent/meldpunt.sqlite")
      configuration.scope = ScopePolicy(inScope: ["*.example.org", "https://example.org/app/"], outOfScope: ["legacy.example.org"])
      configuration.timeline.fixDays = [.critical: 30, .high: 45]
      configuration.timeline.defaultFixDays = 60
      configuration.timeline.triageWorkingDays = 3
      self.configuration = configuration
    }

    var engine: OpenPGPEngine { OpenPGPEngine(home: home.path, passphrase: PublicationTests.passphrase) }

    func publisher(publication: PublicationConfiguration = PublicationConfiguration(),
                   baseURL: String? = PublicationTests.baseURL) -> Publisher {
      Publisher(configuration: configuration, publication: publication, engine: engine, signer: fingerprint, baseURL: baseURL)
    }
  }

  /// A fresh output directory, removed by the caller.
  static func outputDirectory() throws -> String { try TemporaryDirectory.make(prefix: "mp-pub-") }

  static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

  static func read(_ directory: String, _ path: String) throws -> String {
    String(decoding: try bytes("\(directory)/\(path)"), as: UTF8.self)
  }

  static func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
  }

  static func mode(_ path: String) -> mode_t {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
  }

  /// gpg-wks-client lives in gpg's libexec directory on Debian, not on PATH.
  static func wksClient() throws -> String {
    if let found = try? Command.resolve("gpg-wks-client") { return found }
    let libexec = try Command.runChecked("gpgconf", ["--list-dirs", "libexecdir"]).stdoutText
      .trimmingCharacters(in: .whitespacesAndNewlines)
    return libexec + "/gpg-wks-client"
  }

  // MARK: z-base-32 and WKD hashes

  @Test("z-base-32 matches the specification's examples", arguments: [
    ([UInt8](), ""),
    ([0x00], "yy"),
    ([0xF0, 0xBF, 0xC7], "6n9hq"),
    ([0xD4, 0x7A, 0x04], "4t7ye"),
  ])
  func zBase32(bytes: [UInt8], expected: String) {
    #expect(WebKeyDirectory.zBase32(bytes) == expected)
  }

  @Test("The WKD hash of the draft's example, in any ASCII case")
  func draftExample() {
    #expect(WebKeyDirectory.hash(localPart: "joe.doe") == "iy9q119eutrkn8s1mk4r39qejnbu3n5q")
    #expect(WebKeyDirectory.hash(localPart: "Joe.Doe") == "iy9q119eutrkn8s1mk4r39qejnbu3n5q")
  }

  @Test("WKD hashes equal gpg-wks-client's", arguments: [
    "security@example.org", "Joe.Doe@Example.ORG", "cvd+meldpunt@example.org", "SECURITY@example.org",
  ])
  func hashesMatchGnuPG(address: String) throws {
    let result = try Command.runChecked(try Self.wksClient(), ["--print-wkd-hash", address])
    // "hash address"
    let hash = try #require(result.stdoutText.split(separator: " ").first.map(String.init))
    let localPart = String(address[..<address.lastIndex(of: "@")!])
    #expect(WebKeyDirectory.hash(localPart: localPart) == hash)
  }

  // MARK: The whole publication

  @Test("Publish writes every file, public only, with the promised modes")
  func publishesEverything() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let out = try Self.outputDirectory()
    defer { TemporaryDirectory.remove(out) }
    let written = try await fixture.publisher().publish(to: out + "/site", sign: true)
    let hash = WebKeyDirectory.hash(localPart: "security")
    #expect(Set(written) == [
      ".well-known/security.txt", "pgp-key.asc",
      ".well-known/openpgpkey/example.org/hu/\(hash)", ".well-known/openpgpkey/example.org/policy",
      ".well-known/openpgpkey/hu/\(hash)", ".well-known/openpgpkey/policy",
      "policy.en.html", "policy.nl.html", "policy.en.txt", "policy.nl.txt",
    ])
    #expect(Self.mode(out + "/site") == 0o755)
    for directory in [".well-known", ".well-known/openpgpkey", ".well-known/openpgpkey/example.org/hu", ".well-known/openpgpkey/hu"] {
      #expect(Self.mode("\(out)/site/\(directory)") == 0o755, "\(directory)")
    }
    for path in written {
      #expect(Self.mode("\(out)/site/\(path)") == 0o644, "\(path)")
      let text = try Self.read(out + "/site", path)
      #expect(!text.contains("PRIVATE KEY"), "\(path)")
      #expect(!text.contains(Self.passphrase), "\(path)")
    }
    // gpg's own reading of every key file: public packets only.
    for path in written where path == "pgp-key.asc" || path.contains("/hu/") {
      let packets = try fixture.home.gpg(["--list-packets", "\(out)/site/\(path)"])
      #expect(packets.status == 0, "\(path)")
      #expect(packets.stdoutText.contains(":public key packet:"), "\(path)")
      #expect(!packets.stdoutText.contains(":secret key packet:"), "\(path)")
      #expect(!packets.stdoutText.contains(":secret sub key packet:"), "\(path)")
    }
    // Nothing else, no temporary files left behind.
    let everything = try FileManager.default.subpathsOfDirectory(atPath: out + "/site")
      .filter { !Self.isDirectory("\(out)/site/\($0)") }
    #expect(Set(everything) == Set(written))
    let armored = try Self.read(out + "/site", "pgp-key.asc")
    #expect(armored.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
  }

  @Test("security.txt reads back with every field")
  func securityTxtFields() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let out = try Self.outputDirectory()
    defer { TemporaryDirectory.remove(out) }
    let publication = PublicationConfiguration(
      extraContacts: ["https://example.org/contact", "cvd@example.org"], acknowledgments: "https://example.org/thanks",
      hiring: "https://example.org/jobs")
    let before = Date()
    _ = try await fixture.publisher(publication: publication, baseURL: "https://example.org/").publish(to: out, sign: false)
    let text = try Self.read(out, ".well-known/security.txt")
    let parsed = try SecurityTxt.parse(text)
    #expect(!parsed.isSigned)
    #expect(parsed.contacts == ["mailto:security@example.org", "https://example.org/contact", "mailto:cvd@example.org"])
    #expect(parsed.encryption == ["https://example.org/pgp-key.asc"])
    #expect(parsed.policy == ["https://example.org/policy.en.html"])
    #expect(parsed.preferredLanguages == ["en", "nl"])
    #expect(parsed.canonical == ["https://example.org/.well-known/security.txt"])
    #expect(parsed.acknowledgments == ["https://example.org/thanks"])
    #expect(parsed.hiring == ["https://example.org/jobs"])
    #expect(parsed.otherFields.isEmpty)
    #expect(parsed.comments.contains { $0.contains(PolicyPage.grouped(fixture.fingerprint)) })
    // One year ahead (to the second), never more.
    let year: TimeInterval = 365 * 86_400
    #expect(parsed.expires > before.addingTimeInterval(year - 5))
    #expect(parsed.expires <= Date().addingTimeInterval(year))
    #expect(text.contains("\nExpires: \(SecurityTxt.format(parsed.expires))\n"))
    #expect(text.range(of: #"Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, options: .regularExpression) != nil)
    // The organisation's name, with its markup, is only a comment here.
    #expect(parsed.comments.contains { $0.contains(Self.hostileOrganisation) })
  }

  @Test("The configured policy URL and key URL are used; Expires never outlives the key")
  func configuredURLsAndKeyExpiry() throws {
    var configuration = try Fixture().configuration
    configuration.policyURL = "https://example.org/cvd"
    configuration.keyURL = "https://keys.example.org/security.asc"
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let keyExpires = now.addingTimeInterval(30 * 86_400)
    let file = try SecurityTxt.gateway(configuration, publication: PublicationConfiguration(expiresDays: 90), baseURL: Self.baseURL,
                                       fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567", keyExpires: keyExpires, now: now)
    #expect(file.policy == ["https://example.org/cvd"])
    #expect(file.encryption == ["https://example.org/pgp-key.asc", "https://keys.example.org/security.asc"])
    #expect(file.expires == keyExpires)
    let later = try SecurityTxt.gateway(configuration, publication: PublicationConfiguration(expiresDays: 90), baseURL: Self.baseURL,
                                        fingerprint: "0123", keyExpires: nil, now: now)
    #expect(later.expires == now.addingTimeInterval(90 * 86_400))
    #expect(throws: PublicationError.self) {
      try SecurityTxt.gateway(configuration, publication: PublicationConfiguration(expiresDays: 400), baseURL: Self.baseURL,
                              fingerprint: "0123", keyExpires: nil, now: now)
    }
  }

  @Test("The signed security.txt verifies with the gateway key; a changed copy does not")
  func signedSecurityTxtVerifies() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let out = try Self.outputDirectory()
    defer { TemporaryDirectory.remove(out) }
    _ = try await fixture.publisher().publish(to: out, sign: true)
    let signed = try Self.read(out, ".well-known/security.txt")
    #expect(signed.hasPrefix("-----BEGIN PGP SIGNED MESSAGE-----\n"))
    let parsed = try SecurityTxt.parse(signed)
    #expect(parsed.isSigned)
    #expect(parsed.contacts == ["mailto:security@example.org"])
    #expect(parsed.canonical == ["https://example.org/.well-known/security.txt"])

    // A reporter's home that has only the published public key.
    let reporter = try GnuPGHome.make()
    defer { reporter.killAgent() }
    try reporter.importKeys(file: out + "/pgp-key.asc")
    let file = out + "/.well-known/security.txt"
    let (good, goodStatus) = try reporter.gpgWithStatus(["--verify", file])
    #expect(good.status == 0)
    #expect(goodStatus.contains { $0.hasPrefix("GOODSIG ") })
    #expect(GnuPGHome.signerFingerprint(goodStatus) == fixture.fingerprint)

    let changed = signed.replacingOccurrences(of: "mailto:security@example.org", with: "mailto:attacker@example.net")
    #expect(changed != signed)
    try changed.write(toFile: out + "/changed.txt", atomically: false, encoding: .utf8)
    let (bad, badStatus) = try reporter.gpgWithStatus(["--verify", out + "/changed.txt"])
    #expect(bad.status != 0)
    #expect(badStatus.contains { $0.hasPrefix("BADSIG ") })
    #expect(!badStatus.contains { $0.hasPrefix("GOODSIG ") })
  }

  @Test("Both WKD layouts hold the binary gateway key, which gpg imports")
  func webKeyDirectory() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let out = try Self.outputDirectory()
    defer { TemporaryDirectory.remove(out) }
    _ = try await fixture.publisher().publish(to: out, sign: false)
    let hashLine = try Command.runChecked(try Self.wksClient(), ["--print-wkd-hash", Self.address]).stdoutText
    let hash = try #require(hashLine.split(separator: " ").first.map(String.init))
    for path in [".well-known/openpgpkey/example.org/hu/\(hash)", ".well-known/openpgpkey/hu/\(hash)"] {
      let key = try Self.bytes("\(out)/\(path)")
      // Binary: a new- or old-format public-key packet header, not armor.
      #expect(key.first.map { $0 & 0x80 != 0 } == true, "\(path)")
      #expect(!String(decoding: key.prefix(40), as: UTF8.self).contains("-----BEGIN"), "\(path)")
      let reader = try GnuPGHome.make()
      defer { reader.killAgent() }
      try reader.importKeys(key)
      #expect(try reader.fingerprints() == [fixture.fingerprint], "\(path)")
      let listing = try reader.gpg(["--with-colons", "--list-keys", fixture.fingerprint]).stdoutText
      #expect(listing.contains("<security@example.org>"), "\(path)")
    }
    for policy in [".well-known/openpgpkey/example.org/policy", ".well-known/openpgpkey/policy"] {
      let text = try Self.read(out, policy)
      #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("#") }, "\(policy)")
      #expect(text.contains("?l=security"))
    }
  }

  @Test("The policy pages state the key, the terms and the keywords, in both languages")
  func policyPages() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let out = try Self.outputDirectory()
    defer { TemporaryDirectory.remove(out) }
    _ = try await fixture.publisher().publish(to: out, sign: false)
    let grouped = PolicyPage.grouped(fixture.fingerprint)
    #expect(grouped.count == 49)
    for language in ["en", "nl"] {
      for format in ["html", "txt"] {
        // Words as a reader sees them: the plain text is wrapped at 76 columns.
        let page = try Self.read(out, "policy.\(language).\(format)").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let name = "policy.\(language).\(format)"
        #expect(page.contains(grouped), "\(name)")
        #expect(page.contains("https://example.org/pgp-key.asc"), "\(name)")
        #expect(page.contains("security@example.org"), "\(name)")
        #expect(page.contains(language == "en" ? "60 days" : "60 dagen"), "\(name)")
        #expect(page.contains(language == "en" ? "critical 30 days" : "kritiek 30 dagen"), "\(name)")
        #expect(page.contains(language == "en" ? "3 working days" : "3 werkdagen"), "\(name)")
        #expect(page.contains("legacy.example.org"), "\(name)")
        #expect(page.contains("NCSC"), "\(name)")
        for keyword in ["ACCEPT", "COUNTER", "DISCLOSE", "CREDIT-AS", "NO-CREDIT", "CONSENT-NCSC"] {
          #expect(page.contains(keyword), "\(name) \(keyword)")
        }
        // The report form and the safe-harbour sentence of the shipped templates.
        #expect(page.contains(language == "en" ? "Steps to reproduce" : "Stappen om te reproduceren"), "\(name)")
        #expect(page.contains(language == "en" ? "we will not take legal action" : "geen juridische stappen"), "\(name)")
      }
      let html = try Self.read(out, "policy.\(language).html")
      #expect(html.contains("<html lang=\"\(language)\">"))
      #expect(!html.contains("<script"), "policy.\(language).html")
      #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"))
      // Nothing is loaded from elsewhere.
      #expect(!html.contains("src="))
      #expect(!html.contains("<link"))
      #expect(!html.contains("@import"))
      let text = try Self.read(out, "policy.\(language).txt")
      #expect(text.contains(Self.hostileOrganisation), "the plain text keeps the name as written")
    }
  }

  @Test("HTML escaping covers the five special characters; unsafe link schemes stay text")
  func escaping() throws {
    #expect(PolicyPage.escapeHTML("<script>alert('x') & \"y\"</script>")
      == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
    #expect(PolicyPage.escapeHTML("Gemeente Ĳsselstein") == "Gemeente Ĳsselstein")
    var facts = PolicyPage.Facts(organisation: "<b>Org</b>", address: "security@example.org", fingerprint: "AB",
                                 keyURL: "javascript:alert(1)", securityTxtURL: "https://example.org/.well-known/security.txt",
                                 scope: ScopePolicy(inScope: ["<img src=x onerror=alert(1)>"]), timeline: .ncscDefault,
                                 safeHarbour: "We <em>promise</em>.")
    let html = try PolicyPage(language: .en, facts: facts).html
    #expect(!html.contains("<b>"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("<em>"))
    #expect(!html.contains("href=\"javascript:"))
    #expect(html.contains("javascript:alert(1)"))
    facts.keyURL = "https://example.org/pgp-key.asc"
    #expect(try PolicyPage(language: .nl, facts: facts).html.contains("<a href=\"https://example.org/pgp-key.asc\">"))
  }

  // MARK: Refusals

  @Test("A missing or non-https base URL is refused before anything is written")
  func baseURLRefused() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let out = try Self.outputDirectory()
    defer { TemporaryDirectory.remove(out) }
    await #expect {
      try await fixture.publisher(baseURL: nil).publish(to: out + "/a", sign: false)
    } throws: { error in
      guard case PublicationError.missingBaseURL = error else { return false }
      return "\(error)".contains("publish.baseURL")
    }
    for bad in ["http://example.org", "https://example.org/?x=1", "https://exa mple.org", "example.org"] {
      await #expect(throws: PublicationError.self, "\(bad)") {
        try await fixture.publisher(baseURL: bad).publish(to: out + "/a", sign: false)
      }
    }
    #expect(!FileManager.default.fileExists(atPath: out + "/a"))
  }

  @Test("A key without the security address is not published")
  func keyWithoutAddress() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let other = try fixture.home.generateKey(name: "Other", email: "other@example.org")
    let publisher = Publisher(configuration: fixture.configuration, engine: fixture.engine, signer: other, baseURL: Self.baseURL)
    await #expect {
      _ = try await publisher.files(sign: false)
    } throws: { error in
      guard case PublicationError.keyLacksAddress(let fingerprint, let address) = error else { return false }
      return fingerprint == other && address == Self.address
    }
  }

  @Test("A line break in a configured value cannot add a field to security.txt")
  func noFieldInjection() async throws {
    let fixture = try Fixture()
    defer { fixture.home.killAgent() }
    let publication = PublicationConfiguration(extraContacts: ["https://example.org/\nPolicy: https://evil.example"])
    await #expect {
      _ = try await fixture.publisher(publication: publication).files(sign: false)
    } throws: { error in
      guard case PublicationError.invalidValue(let key, _) = error else { return false }
      return key == "Contact"
    }
  }

  // MARK: The parser

  @Test("The parser reads comments, repeated fields, CRLF, any case and dash-escaped signed text")
  func parser() throws {
    let plain = "# Our contacts\r\nContact: mailto:a@example.org\r\ncontact: https://example.org/c\r\n\r\n"
      + "EXPIRES: 2030-01-01T00:00:00Z\r\nPreferred-Languages: nl, en\r\nCSAF: https://example.org/provider-metadata.json\r\n"
    let parsed = try SecurityTxt.parse(plain)
    #expect(parsed.comments == ["Our contacts"])
    #expect(parsed.contacts == ["mailto:a@example.org", "https://example.org/c"])
    #expect(parsed.expires == Date(timeIntervalSince1970: 1_893_456_000))
    #expect(parsed.preferredLanguages == ["nl", "en"])
    #expect(parsed.otherFields == [SecurityTxt.Field(name: "CSAF", value: "https://example.org/provider-metadata.json")])

    let signed = """
      -----BEGIN PGP SIGNED MESSAGE-----
      Hash: SHA256

      - # dash-escaped
      Contact: mailto:a@example.org
      Expires: 2030-01-01T00:00:00Z
      -----BEGIN PGP SIGNATURE-----

      iHUEARYIAB0WIQ==
      -----END PGP SIGNATURE-----

      """
    let read = try SecurityTxt.parse(signed)
    #expect(read.isSigned)
    #expect(read.comments == ["dash-escaped"])
    #expect(read.contacts == ["mailto:a@example.org"])

    for broken in ["Contact: mailto:a@example.org\n", "Expires: 2030-01-01T00:00:00Z\n",
                   "Contact: mailto:a@example.org\nExpires: soon\n",
                   "Contact: mailto:a@example.org\nExpires: 2030-01-01T00:00:00Z\nExpires: 2031-01-01T00:00:00Z\n",
                   "Contact: mailto:a@example.org\nExpires: 2030-01-01T00:00:00Z\nthis is not a field\n"] {
      #expect(throws: PublicationError.self, "\(broken)") { try SecurityTxt.parse(broken) }
    }
  }

  @Test("What the builder writes, the parser reads back unchanged")
  func roundTrip() throws {
    let file = SecurityTxt(comments: ["one", ""], contacts: ["mailto:a@example.org", "tel:+31-20-0000000"],
                           expires: Date(timeIntervalSince1970: 1_900_000_000), encryption: ["https://example.org/k.asc"],
                           acknowledgments: ["https://example.org/hof"], preferredLanguages: ["en", "nl"],
                           canonical: ["https://example.org/.well-known/security.txt"], policy: ["https://example.org/p"],
                           hiring: ["https://example.org/jobs"], otherFields: [SecurityTxt.Field(name: "CSAF", value: "https://example.org/c.json")])
    #expect(try SecurityTxt.parse(file.text()) == file)
  }

  @Test("The built-in report forms are the ones in Config/")
  func reportFormsMatchConfig() throws {
    let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Config")
    for language in ["en", "nl"] {
      let shipped = try String(contentsOf: config.appendingPathComponent("report-template.\(language).txt"), encoding: .utf8)
      #expect(ReportTemplate.builtIn(language: language) == shipped.trimmingCharacters(in: .newlines), "\(language)")
    }
  }
}
