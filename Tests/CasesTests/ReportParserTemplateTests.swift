import Cases
import Foundation
import Testing

/// The published templates (Config/report-template.*.txt), filled in, give every field.
@Suite struct ReportParserTemplateTests {
  static let configDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Config")

  /// Answers by section number; both templates number their sections the same way.
  static let answers: [Int: String] = [
    1: "Customer portal at https://portal.example.org",
    2: "4.12.0",
    3: "Stored cross-site scripting",
    4: "CWE-79",
    5: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
    6: "The display name is not encoded on the team page.",
    7: "1. Set the display name to <b>x</b>.\n2. Open the team page.",
    8: "Any colleague's session can be taken over.",
    9: "<img src=x onerror=alert(1)>",
    10: "Sanne de Wit",
    11: "Sanne de Wit (sdewit)",
    12: "Coordinated, after the fix; 2026-06-01",
    13: "yes",
    14: "E-mail, encrypted",
  ]

  static func filled(_ template: String) -> (text: String, filledSections: Int) {
    var lines: [String] = []
    var count = 0
    for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
      lines.append(String(line))
      // A section heading: "<number>. <label>:" on a line of its own.
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasSuffix(":"), let dot = trimmed.firstIndex(of: "."),
            let number = Int(trimmed[..<dot]), let answer = answers[number] else { continue }
      lines.append(answer)
      count += 1
    }
    return (lines.joined(separator: "\n"), count)
  }

  @Test(arguments: [("report-template.en.txt", "en"), ("report-template.nl.txt", "nl")])
  func filledTemplateGivesEveryField(_ name: String, _ language: String) throws {
    let template = try String(contentsOf: Self.configDirectory.appendingPathComponent(name), encoding: .utf8)
    let (text, count) = Self.filled(template)
    #expect(count == 14, "the template should number 14 sections")

    let fields = ReportParser.parse(text)
    #expect(fields.language == language)
    #expect(fields.product == Self.answers[1])
    #expect(fields.version == Self.answers[2])
    #expect(fields.vulnerabilityType == Self.answers[3])
    #expect(fields.description == Self.answers[6])
    #expect(fields.stepsToReproduce == Self.answers[7])
    #expect(fields.impact == Self.answers[8])
    #expect(fields.proofOfConcept == Self.answers[9])
    #expect(fields.reporterName == Self.answers[10])
    #expect(fields.credit == Self.answers[11])
    #expect(fields.wantsNoCredit == false)
    #expect(fields.disclosurePreference == Self.answers[12])
    #expect(fields.disclosureDate == ReportParserFixtures.day(2026, 6, 1))
    #expect(fields.consentToCoordinator == true)
    #expect(fields.contactPreferences == Self.answers[14])
    #expect(fields.cweIDs == ["CWE-79"])
    #expect(fields.cveIDs == [])
    #expect(fields.cvssVectors == ["CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N"])
    #expect(fields.urls == ["https://portal.example.org"])
    #expect(fields.hosts == ["portal.example.org"])
    #expect(fields.sections.count == 14)
    #expect(fields.sections["cweIDs"] == "CWE-79")
    #expect(fields.sections["cvssVectors"] == Self.answers[5])
  }

  /// An untouched template has labels and instructions only: nothing to report.
  @Test(arguments: ["report-template.en.txt", "report-template.nl.txt"])
  func emptyTemplateGivesNothing(_ name: String) throws {
    let template = try String(contentsOf: Self.configDirectory.appendingPathComponent(name), encoding: .utf8)
    let fields = ReportParser.parse(template)
    #expect(fields.sections == [:])
    #expect(fields.wantsNoCredit == nil)
    #expect(fields.consentToCoordinator == nil)
    #expect(fields.cweIDs.isEmpty && fields.cveIDs.isEmpty && fields.cvssVectors.isEmpty)
    #expect(fields.urls.isEmpty && fields.hosts.isEmpty)
  }

  /// Answers written on the label's own line, after the colon, count the same.
  @Test(arguments: ["report-template.en.txt", "report-template.nl.txt"])
  func answersOnTheLabelLine(_ name: String) throws {
    let template = try String(contentsOf: Self.configDirectory.appendingPathComponent(name), encoding: .utf8)
    let text = template.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasSuffix(":"), let dot = trimmed.firstIndex(of: "."), let number = Int(trimmed[..<dot]),
            number != 7, let answer = Self.answers[number] else { return String(line) }
      return line + " " + answer
    }.joined(separator: "\n")
    let fields = ReportParser.parse(text)
    #expect(fields.product == Self.answers[1])
    #expect(fields.disclosurePreference == Self.answers[12])
    #expect(fields.consentToCoordinator == true)
    #expect(fields.contactPreferences == Self.answers[14])
    #expect(fields.sections.count == 13)
  }
}
