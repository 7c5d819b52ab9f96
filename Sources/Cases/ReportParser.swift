import Foundation

/// Reads a vulnerability report's plain text into `ReportFields`.
///
/// Runs in stages, each in its own type: the text is split into labelled sections
/// (`ReportSections`, labels from `ReportSectionKey`), identifiers and URLs are found
/// anywhere (`ReportIdentifiers`, `ReportHosts`), then the sections with a meaning
/// beyond their text are read (`ReportAnswer` for yes/no and credit, `ReportDate`).
/// The parser takes any text, including hostile input: it has no failure mode, only
/// fields left empty, and its work grows linearly with the size of the text.
public enum ReportParser {
  /// Reads `text` (the plain-text body of one report, CRLF or LF) into fields; never fails.
  public static func parse(_ text: String) -> ReportFields {
    let bytes = Array(text.utf8)
    let sections = ReportSections(bytes)
    let found = ReportIdentifiers(bytes)
    let value = { (key: ReportSectionKey) in sections.values[key] }

    var fields = ReportFields()
    fields.language = ReportLanguage.detect(bytes, englishLabels: sections.englishLabels,
                                            dutchLabels: sections.dutchLabels)
    fields.product = value(.product)
    fields.version = value(.version)
    fields.vulnerabilityType = value(.vulnerabilityType)
    fields.description = value(.description)
    fields.stepsToReproduce = value(.stepsToReproduce)
    fields.impact = value(.impact)
    fields.proofOfConcept = value(.proofOfConcept)
    fields.reporterName = value(.reporterName)
    fields.credit = value(.credit)
    fields.wantsNoCredit = wantsNoCredit(sections, text)
    fields.disclosurePreference = value(.disclosurePreference)
    fields.disclosureDate = (value(.disclosureDate)).flatMap(ReportDate.first(in:))
      ?? value(.disclosurePreference).flatMap(ReportDate.first(in:))
    fields.consentToCoordinator = value(.consentToCoordinator).flatMap(ReportAnswer.yesNo)
    fields.contactPreferences = value(.contactPreferences)
    fields.cweIDs = found.cweIDs
    fields.cveIDs = found.cveIDs
    fields.cvssVectors = found.cvssVectors
    fields.urls = found.urls
    fields.hosts = ReportHosts.find(bytes, urls: found)
    for (key, text) in sections.values { fields.sections[key.rawValue] = text }
    return fields
  }

  /// The credit section decides; without one, a reporter named "Anonymous" or running
  /// text that plainly asks for no credit does. A report that has a credit label but
  /// left it empty said nothing, whatever our template's hint next to the label says.
  private static func wantsNoCredit(_ sections: ReportSections, _ text: String) -> Bool? {
    if let credit = sections.values[.credit] { return ReportAnswer.declinesCredit(credit) }
    if let name = sections.values[.reporterName], ReportAnswer.isAnonymous(name) { return true }
    if !sections.labelled.contains(.credit), ReportAnswer.asksNoCredit(inText: text) { return true }
    return nil
  }
}
