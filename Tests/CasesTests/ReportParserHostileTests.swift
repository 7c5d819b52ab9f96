import Cases
import Foundation
import Testing

/// Input nobody should send, and input someone will: the parser returns, quickly.
@Suite struct ReportParserHostileTests {
  static let labelsOnly = """
    Product:
    Version:
    ## Impact
    **Description:**
    3) Steps to reproduce:
    Credit:
    Consent:
    Disclosure:
    """

  static let binaryGarbage: String = {
    var generator = ReportParserRandom(seed: 0x6D65_6C64)
    let bytes = (0..<20_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    return String(decoding: bytes, as: UTF8.self)
  }()

  @Test(arguments: [
    "", " ", "\n", "\r\n\r\n", "\r", ":", "::::", "#", "**", "1.", "(", ")", "[", "]", "```", "http://",
    "https://[", "CVE-", "CWE", "CVSS:", "CVSS:3.1/", "AV:", "1.", "\u{0}", "é", "\u{FEFF}Impact: x",
  ])
  func tinyInputs(_ text: String) {
    let fields = ReportParser.parse(text)
    #expect(fields.cveIDs.isEmpty && fields.cvssVectors.isEmpty && fields.urls.isEmpty)
  }

  @Test func emptyIsEmpty() {
    #expect(ReportParser.parse("") == ReportFields())
  }

  @Test func onlyLabels() {
    let fields = ReportParser.parse(Self.labelsOnly)
    #expect(fields.sections == [:])
    #expect(fields.product == nil && fields.impact == nil && fields.credit == nil)
    #expect(fields.wantsNoCredit == nil && fields.consentToCoordinator == nil && fields.disclosureDate == nil)
  }

  @Test func binaryGarbageParses() {
    let fields = ReportParser.parse(Self.binaryGarbage)
    #expect(fields.sections.count <= 20_000)
    let nul = ReportParser.parse(String(repeating: "\u{0}\u{1}\u{7F}\u{FFFD}", count: 10_000))
    #expect(nul.sections == [:])
  }

  @Test func sameLabelManyTimes() {
    let text = String(repeating: "Impact: x\n", count: 20_000)
    let fields = ReportParser.parse(text)
    #expect(fields.impact?.count == 20_000 * 3 - 2)
  }

  /// 100 000-character lines built from a repeated piece, between a prefix and a suffix.
  @Test(arguments: [
    ("", "a", ""), ("", "Impact: ", ""), ("", "1.", ""), ("", "http://", ""), ("https://", "(", ""),
    ("", "a.", ""), ("", "CVSS:3.1/AV:N", ""), ("", "AV:N/AC:L/", ""), ("", "CVE-2024-", ""), ("", "**", ""),
    ("Impact:", " ", "x"), ("", "1 March ", ""), ("", "[x]", ""), ("Consent: ", "[x]", ""), ("", "é.", ""),
    ("", "user@a.example.", ""), ("Openbaarmaking", ": voorkeur", ""), ("", "(", ")"),
  ])
  func hugeSingleLine(_ prefix: String, _ piece: String, _ suffix: String) {
    let line = prefix + String(repeating: piece, count: 100_000 / piece.count) + suffix
    let clock = ContinuousClock()
    let elapsed = clock.measure { _ = ReportParser.parse(line) }
    #expect(elapsed < Self.budget, "took \(elapsed)")
  }

  @Test func disclosureSectionOfOneLongLine() {
    let text = "Disclosure: " + String(repeating: "1 March ", count: 12_500) + "2026"
    let clock = ContinuousClock()
    var fields = ReportFields()
    let elapsed = clock.measure { fields = ReportParser.parse(text) }
    #expect(elapsed < Self.budget)
    #expect(fields.disclosureDate == ReportParserFixtures.day(2026, 3, 1))
  }

  @Test func oneMegabyteReport() {
    var text = ReportParserFixtures.englishTemplate + "\n"
    while text.utf8.count < 1_000_000 {
      text += ReportParserFixtures.freeFormEnglish + "\n" + ReportParserFixtures.markdown + "\n"
      text += ReportParserFixtures.dutchTemplate + "\n"
    }
    let clock = ContinuousClock()
    var fields = ReportFields()
    let elapsed = clock.measure { fields = ReportParser.parse(text) }
    #expect(elapsed < Self.budget, "1 MB took \(elapsed)")
    #expect(fields.cveIDs == ["CVE-2023-45678"])
    #expect(fields.product?.hasPrefix("Customer portal") == true)
  }

  @Test func oneMegabyteOfShortLabelLines() {
    let text = String(repeating: "Impact:\n**Name:** x\n## Steps\n1) Type: y\n", count: 25_000)
    let clock = ContinuousClock()
    let elapsed = clock.measure { _ = ReportParser.parse(text) }
    #expect(elapsed < Self.budget, "took \(elapsed)")
  }

  @Test func randomTextNeverCrashes() {
    var generator = ReportParserRandom(seed: 42)
    let alphabet = Array("aAcCvVeEsSwW:/.-_()[]*#@ \n\r\t0123456789éëHTtpPIiMm\u{0}✓")
    for _ in 0..<300 {
      let length = Int(generator.next() % 400)
      let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
      let fields = ReportParser.parse(text)
      #expect(Set(fields.hosts).count == fields.hosts.count)
      #expect(Set(fields.urls).count == fields.urls.count)
    }
  }

  /// Release builds must stay well under a second; debug builds are several times slower.
  static var budget: Duration {
    #if DEBUG
    .seconds(10)
    #else
    .milliseconds(500)
    #endif
  }
}

/// A small deterministic generator, so a failing fuzz case can be replayed.
struct ReportParserRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
