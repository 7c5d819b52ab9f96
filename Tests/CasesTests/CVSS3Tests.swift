@testable import Cases
import Testing

/// A published vector with the base score its source document gives.
struct CVSSExample: Sendable, CustomTestStringConvertible {
  let name: String
  let vector: String
  let score: Double
  let severity: Severity

  init(_ name: String, _ vector: String, _ score: Double, _ severity: Severity) {
    self.name = name
    self.vector = vector
    self.score = score
    self.severity = severity
  }

  var testDescription: String { name }
}

@Suite struct CVSS3Tests {
  /// FIRST, "Common Vulnerability Scoring System v3.1: Examples"
  /// (https://www.first.org/cvss/v3.1/examples), base scores as printed; entries that score
  /// several variants of one issue (Badlock, CVE-2019-0884) are left out.
  static let v31Examples: [CVSSExample] = [
    .init("CVE-2013-0375 MySQL stored SQL injection (scope changed)",
          "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, .medium),
    .init("CVE-2014-3566 SSLv3 POODLE", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, .low),
    .init("CVE-2012-1516 VMware guest to host escape (scope changed)",
          "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, .critical),
    .init("CVE-2009-0783 Apache Tomcat XML parser (local)",
          "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2, .medium),
    .init("CVE-2012-0384 Cisco IOS arbitrary command execution",
          "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2, .high),
    .init("CVE-2015-1098 Apple iWork denial of service (local)",
          "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, .high),
    .init("CVE-2014-0160 OpenSSL Heartbleed", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, .high),
    .init("CVE-2014-6271 GNU Bash Shellshock", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, .critical),
    .init("CVE-2008-1447 DNS Kaminsky bug (scope changed)",
          "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, .medium),
    .init("CVE-2014-2005 Sophos login screen bypass (physical)",
          "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, .medium),
    .init("CVE-2010-0467 Joomla directory traversal (scope changed)",
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8, .medium),
    .init("CVE-2012-1342 Cisco access control bypass (scope changed)",
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8, .medium),
    .init("CVE-2013-6014 Juniper proxy ARP denial of service (adjacent, scope changed)",
          "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3, .critical),
    .init("CVE-2011-1265 Microsoft Windows Bluetooth RCE (adjacent)",
          "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8, .high),
    .init("CVE-2014-2019 Apple iOS security control bypass (physical)",
          "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6, .medium),
    .init("CVE-2015-0970 SearchBlox CSRF", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, .high),
    .init("CVE-2014-0224 SSL/TLS MITM", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4, .high),
    .init("CVE-2012-5376 Google Chrome sandbox bypass (scope changed)",
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, .critical),
    .init("CVE-2019-7551 Cantemo Portal stored XSS (scope changed)",
          "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, .critical),
    .init("CVE-2017-5942 WordPress Mail plugin reflected XSS (scope changed)",
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, .medium),
    .init("CVE-2016-5558 Oracle Outside In Technology RCE",
          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:L", 8.6, .high),
    .init("CVE-2016-5729 Lenovo ThinkPwn (local, scope changed)",
          "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 8.2, .high),
    .init("CVE-2015-2890 failure to lock flash on resume (local)",
          "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:H", 6.0, .medium),
    .init("CVE-2018-3652 Intel DCI (physical, scope changed)",
          "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 7.6, .high),
  ]

  /// FIRST, "Common Vulnerability Scoring System v3.0: Examples" (https://www.first.org/cvss/v3.0/examples).
  /// The v3.1 document replaced the phpMyAdmin and DokuWiki entries and re-scored Cisco IOS as PR:H.
  static let v30Examples: [CVSSExample] = [
    .init("CVE-2013-1937 phpMyAdmin reflected XSS (scope changed)",
          "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, .medium),
    .init("CVE-2014-9253 DokuWiki reflected XSS (scope changed)",
          "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4, .medium),
    .init("CVE-2012-0384 Cisco IOS arbitrary command execution, as scored for v3.0",
          "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, .high),
    .init("CVE-2014-0160 OpenSSL Heartbleed", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, .high),
  ]

  @Test(arguments: v31Examples)
  func scoresTheV31Examples(_ example: CVSSExample) throws {
    let score = try CVSS.score(example.vector)
    #expect(score.version == .v3_1)
    #expect(score.baseScore == example.score)
    #expect(score.severity == example.severity)
    #expect(score.vector == example.vector)
  }

  @Test(arguments: v30Examples)
  func scoresTheV30Examples(_ example: CVSSExample) throws {
    let score = try CVSS.score(example.vector)
    #expect(score.version == .v3_0)
    #expect(score.baseScore == example.score)
    #expect(score.severity == example.severity)
  }

  /// Spec section 7.1: no impact means 0.0 whatever the exploitability.
  @Test func noImpactScoresZero() throws {
    let score = try CVSS.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N")
    #expect(score.baseScore == 0.0)
    #expect(score.severity == .none)
  }

  /// CVSS v3.1 Appendix A: the integer Roundup. 4.02 → 4.1 and 4.00 → 4.0 are its own examples;
  /// 0.1 + 0.2 is the floating-point case it warns about (a plain ceiling gives 0.4); 1.200003 is
  /// the example whose last four digits (after ×100,000 and rounding) are zero, so no rounding up.
  @Test(arguments: [
    (4.02, 41), (4.00, 40), (0.1 + 0.2, 3), (1.200003, 12), (4.000000000000001, 40), (9.99, 100), (0.0, 0),
  ] as [(Double, Int)])
  func roundsUpPerAppendixA(_ input: Double, _ tenths: Int) {
    #expect(CVSS3Score.roundUpV31Tenths(input) == tenths)
  }

  /// CVSS v3.0's Round up is a ceiling in floating point, which is what v3.1 Appendix A set out to fix.
  @Test(arguments: [(4.02, 41), (4.00, 40), (0.1 + 0.2, 4), (4.000000000000001, 41)] as [(Double, Int)])
  func roundsUpPerV30(_ input: Double, _ tenths: Int) {
    #expect(CVSS3Score.roundUpV30Tenths(input) == tenths)
  }

  /// Spec section 5 (Qualitative Severity Rating Scale) boundaries.
  @Test(arguments: [
    (0, Severity.none), (1, .low), (39, .low), (40, .medium), (69, .medium), (70, .high), (89, .high),
    (90, .critical), (100, .critical),
  ])
  func ratesSeverity(_ tenths: Int, _ severity: Severity) {
    #expect(Severity(cvssTenths: tenths) == severity)
  }

  @Test func acceptsAnyOrderTemporalMetricsAndWhitespace() throws {
    let score = try CVSS.score("  \tCVSS:3.1/A:N/I:L/C:L/S:C/UI:R/PR:N/AC:L/AV:N/RC:C/E:P/RL:X\n")
    #expect(score.vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RC:C")
    #expect(score.baseScore == 6.1)
  }

  /// Every v3.0 and v3.1 base vector scores without trapping and within range.
  @Test func everyBaseVectorScores() throws {
    var count = 0
    for version in ["3.0", "3.1"] {
      for av in "NALP" { for ac in "LH" { for pr in "NLH" { for ui in "NR" { for s in "UC" {
        for c in "HLN" { for i in "HLN" { for a in "HLN" {
          let score = try CVSS.score("CVSS:\(version)/AV:\(av)/AC:\(ac)/PR:\(pr)/UI:\(ui)/S:\(s)/C:\(c)/I:\(i)/A:\(a)")
          #expect((0...10).contains(score.baseScore))
          #expect((score.baseScore == 0) == (c == "N" && i == "N" && a == "N"))
          count += 1
        } } }
      } } } } }
    }
    #expect(count == 2 * 2592)
  }
}
