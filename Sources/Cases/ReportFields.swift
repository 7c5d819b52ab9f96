import Foundation

/// What a reporter told us, as far as the text of a report shows it.
///
/// `ReportParser` fills this from the plain text of a (decrypted) report, whether
/// the reporter used our template (Config/report-template.en.txt or .nl.txt) or
/// wrote freely. Labelled fields stay `nil` unless the reporter filled in a section
/// with that label: a free-form report yields only what can be found reliably anywhere
/// in the text (identifiers, vectors, URLs, hosts). Values are the reporter's own words,
/// so like `Report.text` they belong in the case and never in a log line.
///
/// The sections follow the Dutch NCSC guideline on coordinated vulnerability disclosure
/// ("Leidraad Coordinated Vulnerability Disclosure"): what is affected, how to reproduce it, how the reporter
/// wants to be credited, when they want to publish, and whether we may involve a
/// coordinator such as the NCSC.
public struct ReportFields: Sendable, Equatable, Codable {
  /// `"en"` or `"nl"` when the wording makes it clear, else nil.
  public var language: String?
  public var product: String?
  public var version: String?
  public var vulnerabilityType: String?
  public var description: String?
  public var stepsToReproduce: String?
  public var impact: String?
  public var proofOfConcept: String?
  public var reporterName: String?
  /// How the reporter wants to be credited, verbatim.
  public var credit: String?
  /// True when the reporter asked for no credit or to stay anonymous, false when the
  /// credit section names someone, nil when they did not say.
  public var wantsNoCredit: Bool?
  public var disclosurePreference: String?
  /// The first date written in the disclosure section, at UTC midnight.
  public var disclosureDate: Date?
  /// The answer to "may we inform a coordinator (the NCSC or another CSIRT)"; nil when
  /// unanswered or unclear.
  public var consentToCoordinator: Bool?
  public var contactPreferences: String?
  /// Normalised `CWE-79` identifiers found anywhere in the text, unique, in order.
  public var cweIDs: [String]
  /// Normalised `CVE-2024-12345` identifiers found anywhere in the text, unique, in order.
  public var cveIDs: [String]
  /// CVSS vector strings exactly as written (`CVSS:3.1/AV:N/…`, `CVSS:4.0/…`); scoring is
  /// left to the module that scores them.
  public var cvssVectors: [String]
  /// `http` and `https` URLs found anywhere, without trailing punctuation.
  public var urls: [String]
  /// Lowercased host names and IPv4 addresses from the URLs and from the text, unique, in order.
  public var hosts: [String]
  /// Every filled-in labelled section by canonical key (the property names above, plus
  /// keys such as `summary`, `severity`, `remediation`, `references`), so sections
  /// without a property of their own are not lost.
  public var sections: [String: String]

  public init(language: String? = nil, product: String? = nil, version: String? = nil,
              vulnerabilityType: String? = nil, description: String? = nil, stepsToReproduce: String? = nil,
              impact: String? = nil, proofOfConcept: String? = nil, reporterName: String? = nil,
              credit: String? = nil, wantsNoCredit: Bool? = nil, disclosurePreference: String? = nil,
              disclosureDate: Date? = nil, consentToCoordinator: Bool? = nil, contactPreferences: String? = nil,
              cweIDs: [String] = [], cveIDs: [String] = [], cvssVectors: [String] = [], urls: [String] = [],
              hosts: [String] = [], sections: [String: String] = [:]) {
    self.language = language
    self.product = product
    self.version = version
    self.vulnerabilityType = vulnerabilityType
    self.description = description
    self.stepsToReproduce = stepsToReproduce
    self.impact = impact
    self.proofOfConcept = proofOfConcept
    self.reporterName = reporterName
    self.credit = credit
    self.wantsNoCredit = wantsNoCredit
    self.disclosurePreference = disclosurePreference
    self.disclosureDate = disclosureDate
    self.consentToCoordinator = consentToCoordinator
    self.contactPreferences = contactPreferences
    self.cweIDs = cweIDs
    self.cveIDs = cveIDs
    self.cvssVectors = cvssVectors
    self.urls = urls
    self.hosts = hosts
    self.sections = sections
  }
}
