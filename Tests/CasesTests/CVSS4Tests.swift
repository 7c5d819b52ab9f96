import Cases
import Testing

@Suite struct CVSS4Tests {
  /// FIRST, "Common Vulnerability Scoring System v4.0: Examples" (https://www.first.org/cvss/v4.0/examples):
  /// vectors and CVSS-B scores as that document gives them (CVE names where the entry is about
  /// one CVE; the document also scores variants of the same vulnerability). Each score also
  /// agrees with FIRST's v4.0 calculator (github.com/FIRSTdotorg/cvss-v4-calculator). The name
  /// ends with the vector's MacroVector (EQ1–EQ6), to show the spread across the lookup table.
  static let examples: [CVSSExample] = [
    .init("CVE-2022-41741 nginx mp4 module (AT:P, local) 110200",
          "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, .high),
    .init("CVE-2020-3549 Cisco FMC (AT:P, UI:P) 110200",
          "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7, .high),
    .init("CVE-2023-3089 OpenShift FIPS (AT:P) 011200",
          "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 8.3, .high),
    .init("CVE-2021-44714 Adobe Acrobat Reader (UI:A) 102201",
          "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 4.6, .medium),
    .init("CVE-2022-24682 Zimbra calendar XSS (UI:A, subsequent system only) 102201",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1, .medium),
    .init("CVE-2022-22186 Juniper EX4650 (subsequent system only) 002201",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 6.9, .medium),
    .init("CVE-2023-21989 Oracle VirtualBox (PR:H, SC:H) 102101",
          "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N", 5.9, .medium),
    .init("CVE-2020-3947 VMware Workstation (all High) 100100",
          "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.4, .critical),
    .init("CVE-2023-48228 authentik PKCE (VI:H and subsequent High) 001100",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:H", 9.3, .critical),
    .init("CVE-2013-6014 Juniper proxy ARP (adjacent, SC:H/SA:H) 102101",
          "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H", 6.4, .medium),
    .init("Local, PR:H, everything High, recovery supplemental 100100",
          "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/R:I", 9.3, .critical),
    .init("Physical, everything High 200100",
          "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 8.6, .high),
    .init("Local, AT:P, PR:H, everything High, recovery supplemental 110100",
          "CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/R:I", 8.7, .high),
    .init("Physical access with safety and value-density supplementals 200100",
          "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N/S:P/V:D", 8.3, .high),
    .init("Network, PR:L, confidentiality only 101200",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 7.1, .high),
    .init("CVE-2014-0160 OpenSSL Heartbleed 001200",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 8.7, .high),
    .init("Network, PR:H, confidentiality only 101200",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9, .medium),
    .init("CVE-2021-44228 Log4Shell 000200",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, .critical),
    .init("Subsequent integrity only 002201",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:L/SA:N", 6.9, .medium),
    .init("Availability with subsequent availability 001200",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L", 8.7, .high),
    .init("PR:L, UI:P, subsequent system only 102201",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1, .medium),
    .init("Local, PR:H, C and I High 100200",
          "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N", 8.3, .high),
    .init("Local, UI:P, all vulnerable-system High 100200",
          "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, .high),
    .init("Physical with AT:P 210200",
          "CVSS:4.0/AV:P/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 5.4, .medium),
    .init("PR:L with all supplementals 100100",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:P/AU:Y/V:C/RE:L", 9.4, .critical),
    .init("Adjacent, safety supplemental 100200",
          "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/S:P", 8.6, .high),
    .init("Everything High, exploit Attacked 000100",
          "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 10.0, .critical),
  ]

  @Test(arguments: examples)
  func scoresTheV40Examples(_ example: CVSSExample) throws {
    let score = try CVSS.score(example.vector)
    #expect(score.version == .v4_0)
    #expect(score.baseScore == example.score)
    #expect(score.severity == example.severity)
    #expect(score.vector == example.vector)
  }

  /// No impact on either system scores 0.0 and rates None (FIRST's v4.0 calculator, `cvss_score.js`).
  @Test func noImpactScoresZero() throws {
    let score = try CVSS.score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N")
    #expect(score.baseScore == 0.0)
    #expect(score.severity == .none)
  }

  /// The examples document scores these with threat or environmental metrics (CVSS-BT 5.2 and
  /// 6.6, CVSS-BTE 9.7); `baseScore` is CVSS-B, which the same document gives for the base parts.
  @Test(arguments: [
    ("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 7.7),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L/E:U", 8.7),
    ("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/MSI:S/S:P", 8.6),
  ])
  func ignoresThreatAndEnvironmentalMetricsForTheBaseScore(_ vector: String, _ base: Double) throws {
    let score = try CVSS.score(vector)
    #expect(score.baseScore == base)
    #expect(score.vector == vector)
  }

  @Test func normalisesOrderAndDropsNotDefined() throws {
    let score = try CVSS.score(
      "CVSS:4.0/U:Amber/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N/E:X/CR:H/MAV:X/R:A")
    #expect(score.vector == "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/R:A/U:Amber")
    #expect(score.baseScore == 9.3)
  }

  /// Every one of the 104,976 base vectors scores without trapping, in range, 0 exactly when
  /// nothing is impacted. (During development all of them were also checked against FIRST's
  /// reference arithmetic as published in the Python `cvss` package 3.6: no differences.)
  @Test func everyBaseVectorScores() throws {
    let impacts = ["H", "L", "N"]
    var count = 0
    var seenSeverities: Set<Severity> = []
    for av in ["N", "A", "L", "P"] { for ac in ["L", "H"] { for at in ["N", "P"] { for pr in ["N", "L", "H"] {
      for ui in ["N", "P", "A"] { for vc in impacts { for vi in impacts { for va in impacts {
        for sc in impacts { for si in impacts { for sa in impacts {
          let vector = "CVSS:4.0/AV:\(av)/AC:\(ac)/AT:\(at)/PR:\(pr)/UI:\(ui)/VC:\(vc)/VI:\(vi)/VA:\(va)/SC:\(sc)/SI:\(si)/SA:\(sa)"
          let score = try CVSS.score(vector)
          let noImpact = [vc, vi, va, sc, si, sa].allSatisfy { $0 == "N" }
          if !((0...10).contains(score.baseScore) && (score.baseScore == 0) == noImpact) {
            Issue.record("\(vector) scored \(score.baseScore)")
          }
          seenSeverities.insert(score.severity)
          count += 1
        } } }
      } } } }
    } } } }
    #expect(count == 104_976)
    #expect(seenSeverities == Set(Severity.allCases))
  }
}
