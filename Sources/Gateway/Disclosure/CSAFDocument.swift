import Cases
import Foundation

/// The organisation that issues an advisory: CSAF 2.0 `document.publisher` (section 3.2.1.8).
///
/// `namespace` is a URL the organisation controls; CSAF readers use it, with the tracking id,
/// to tell advisories of different publishers apart.
/// <https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html#3218-document-property---publisher>
public struct CSAFPublisher: Sendable, Equatable {
  /// The publisher categories CSAF 2.0 allows.
  public enum Category: String, Sendable, CaseIterable {
    case coordinator, discoverer, other, translator, user, vendor
  }

  public var name: String
  /// An absolute URL, e.g. `https://www.example.org`.
  public var namespace: String
  public var category: Category
  public var contactDetails: String?

  public init(name: String, namespace: String, category: Category = .vendor, contactDetails: String? = nil) {
    self.name = name
    self.namespace = namespace
    self.category = category
    self.contactDetails = contactDetails
  }
}

/// One case as a CSAF 2.0 security advisory (profile `csaf_security_advisory`), for
/// `meldpunt cases export ID --csaf`.
///
/// The document validates against the OASIS schema kept in
/// Config/schemas/csaf_json_schema_2.0.json (tests check it) and is built to pass the
/// mandatory tests of section 6.1 that a schema cannot express: product ids are defined
/// once and used, revision numbers run 0 (draft) or 1… without gaps, a CWE is only named
/// with its official name, and each CVE gets its own vulnerability item.
/// <https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html>
///
/// What the case state means for the advisory:
/// - new, triaged: draft; products `under_investigation`
/// - accepted, fixing, duplicate: draft; products `known_affected`, remediation `none_available`
/// - rejected: draft; products `known_not_affected`
/// - fixed: interim; products `fixed`, remediation `vendor_fix`
/// - disclosed, closed: final; as fixed, with a release date
///
/// The reporter is credited only when the agreement names a credit (`CREDIT-AS`) and not
/// `NO-CREDIT`; the report text is never included.
public struct CSAFDocument: Encodable, Sendable {
  public static let csafVersion = "2.0"
  public static let category = "csaf_security_advisory"

  let document: Document
  let productTree: ProductTree
  let vulnerabilities: [Vulnerability]

  enum CodingKeys: String, CodingKey {
    case document
    case productTree = "product_tree"
    case vulnerabilities
  }

  /// - Parameters:
  ///   - now: when the document is generated; a draft is dated now.
  ///   - advisoryURL: where the advisory is (or will be) published; becomes a `self` reference.
  ///   - engineVersion: Meldpunt's version, for `tracking.generator`.
  public init(case c: Case, publisher: CSAFPublisher, now: Date = Date(), advisoryURL: String? = nil,
              engineVersion: String? = nil) {
    let iso = Self.iso
    let id = c.id.description
    let status = Status(c.state)
    let products = Self.products(of: c, publisher: publisher)
    let productIDs = products.map(\.productID)
    let credit = Self.credit(of: c)
    let releaseDate = status == .final ? Self.releaseDate(of: c, now: now) : nil
    let revisions = Self.revisions(of: c, status: status, releaseDate: releaseDate, now: now)

    var notes = [Note(category: "summary", title: "Summary",
                      text: "\(publisher.name) received a report of a vulnerability (\(id)) on \(UTCDate.day(c.timeline.receivedAt)): \(c.title). "
                        + Self.stateSentence(c, publisher: publisher))]
    if let credit {
      notes.append(Note(category: "general", title: "Acknowledgments",
                        text: "\(publisher.name) thanks \(credit) for reporting this vulnerability through coordinated disclosure."))
    }

    document = Document(
      category: Self.category, csafVersion: Self.csafVersion,
      distribution: Distribution(tlp: TLP(label: status == .final ? "WHITE" : "AMBER")),
      lang: c.language.flatMap { ["en", "nl"].contains($0) ? $0 : nil },
      notes: notes,
      publisher: Publisher(category: publisher.category.rawValue, contactDetails: publisher.contactDetails,
                           name: publisher.name, namespace: publisher.namespace),
      references: advisoryURL.map { [Reference(category: "self", summary: "This advisory", url: $0)] },
      title: "\(id): \(c.title)",
      tracking: Tracking(
        currentReleaseDate: iso(revisions.last!.date), generator: Generator(date: iso(now), engine: Engine(name: "Meldpunt", version: engineVersion)),
        id: id, initialReleaseDate: iso(revisions.first!.date),
        revisionHistory: revisions.map { Revision(date: iso($0.date), number: $0.number, summary: $0.summary) },
        status: status.rawValue, version: revisions.last!.number))

    productTree = ProductTree(branches: [Branch(category: "vendor", name: publisher.name,
                                                branches: products.map { Branch(category: "product_name", name: $0.name, product: $0) })])

    let state = c.state
    let scores: [Score]? = Self.cvss3(of: c).map { score in
      [Score(cvssV3: CVSS3(version: score.version.rawValue, vectorString: score.vector, baseScore: score.baseScore,
                           baseSeverity: score.severity.rawValue.uppercased()), products: productIDs)]
    }
    let cwe = c.cweIDs.lazy.compactMap { cweID in CWENames.name(of: cweID).map { CWE(id: cweID, name: $0) } }.first
    let unnamedCWEs = c.cweIDs.filter { CWENames.name(of: $0) == nil }
    let fixDue = c.agreement?.fixDue ?? c.timeline.fixDue
    let vulnerabilityNotes: [Note] = {
      var notes = [Note(category: "description", title: "Description", text: c.title)]
      if let severity = c.severity {
        notes.append(Note(category: "other", title: "Severity", text: "\(publisher.name) rates this vulnerability \(severity.rawValue)."))
      }
      if !unnamedCWEs.isEmpty {
        notes.append(Note(category: "other", title: "Weaknesses", text: unnamedCWEs.joined(separator: ", ")))
      }
      if let duplicate = c.possibleDuplicateOf, state == .duplicate {
        notes.append(Note(category: "other", title: "Duplicate", text: "This report repeats \(duplicate)."))
      }
      return notes
    }()
    let productStatus: ProductStatus
    let remediations: [Remediation]?
    switch state {
    case .new, .triaged:
      productStatus = ProductStatus(underInvestigation: productIDs)
      remediations = [Remediation(category: "none_available", date: nil,
                                  details: "The report is being assessed; no fix is available yet.", productIDs: productIDs)]
    case .accepted, .fixing, .duplicate:
      productStatus = ProductStatus(knownAffected: productIDs)
      remediations = [Remediation(category: "none_available", date: nil,
                                  details: "No fix is available yet; \(publisher.name) intends to fix this by \(UTCDate.day(fixDue)).",
                                  productIDs: productIDs)]
    case .rejected:
      productStatus = ProductStatus(knownNotAffected: productIDs)
      remediations = nil
    case .fixed, .disclosed, .closed:
      productStatus = ProductStatus(fixed: productIDs)
      remediations = [Remediation(category: "vendor_fix", date: c.fixedAt.map(iso),
                                  details: "\(publisher.name) has fixed this vulnerability"
                                    + (c.fixedAt.map { " on \(UTCDate.day($0))." } ?? "."), productIDs: productIDs)]
    }
    let acknowledgments = credit.map {
      [Acknowledgment(names: [$0], summary: "Reported this vulnerability to \(publisher.name).")]
    }
    let cves: [String?] = c.cveIDs.isEmpty ? [nil] : c.cveIDs.map { $0 }
    vulnerabilities = cves.map { cve in
      Vulnerability(acknowledgments: acknowledgments, cve: cve, cwe: cwe,
                    discoveryDate: iso(c.timeline.receivedAt),
                    ids: [VulnerabilityID(systemName: "\(publisher.name) case", text: id)],
                    notes: vulnerabilityNotes, productStatus: productStatus,
                    releaseDate: releaseDate.map(iso), remediations: remediations, scores: scores, title: c.title)
    }
  }

  /// Pretty-printed JSON with sorted keys, as `cases export --csaf` writes it.
  public func json() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Every value is a String, Int, Double or Bool with no NaN, so encoding cannot fail.
    return (try? [UInt8](encoder.encode(self))) ?? []
  }

  // MARK: Derivations

  /// `tracking.status`: only a disclosed case is final; a fixed one is interim, the rest draft.
  enum Status: String, Sendable {
    case draft, interim, final

    init(_ state: CaseState) {
      switch state {
      case .disclosed, .closed: self = .final
      case .fixed: self = .interim
      case .new, .triaged, .accepted, .rejected, .duplicate, .fixing: self = .draft
      }
    }
  }

  struct RevisionEntry {
    let date: Date
    let number: String
    let summary: String
  }

  /// A draft has the single revision "0" (mandatory test 6.1.17); interim and final
  /// documents number their revisions from 1 without gaps (6.1.18, 6.1.21).
  static func revisions(of c: Case, status: Status, releaseDate: Date?, now: Date) -> [RevisionEntry] {
    switch status {
    case .draft:
      return [RevisionEntry(date: now, number: "0", summary: "Draft from case \(c.id) (\(c.state.rawValue)).")]
    case .interim:
      return [RevisionEntry(date: c.fixedAt ?? now, number: "1", summary: "Fix available; disclosure pending.")]
    case .final:
      let released = releaseDate ?? now
      if let fixedAt = c.fixedAt, fixedAt < released {
        return [RevisionEntry(date: fixedAt, number: "1", summary: "Fix available; disclosure pending."),
                RevisionEntry(date: released, number: "2", summary: "Public disclosure.")]
      }
      return [RevisionEntry(date: released, number: "1", summary: "Public disclosure.")]
    }
  }

  /// The agreed disclosure date, else the proposed one, but never later than now: a case
  /// marked disclosed has been disclosed.
  static func releaseDate(of c: Case, now: Date) -> Date {
    min(c.agreement?.disclosureDate ?? c.timeline.proposedDisclosure, now)
  }

  /// The name to credit, only when the reporter asked for credit under that name.
  static func credit(of c: Case) -> String? {
    guard let agreement = c.agreement, !agreement.noCredit, let name = agreement.creditAs,
          !name.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    return name
  }

  /// The first v3.x vector that scores; CSAF 2.0 has no place for v4.0 scores.
  static func cvss3(of c: Case) -> CVSSScore? {
    c.cvssVectors.lazy.compactMap { try? CVSS.score($0) }.first { $0.version != .v4_0 }
  }

  /// One product per asset, `CSAFPID-0001`…; a case without assets gets one product named
  /// after the case so the vulnerability still refers to something.
  static func products(of c: Case, publisher: CSAFPublisher) -> [FullProductName] {
    var seen: Set<String> = []
    let names = c.assets.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    let productNames = names.isEmpty ? ["\(publisher.name) product concerned by \(c.id)"] : names
    return productNames.enumerated().map { index, name in
      let digits = String(index + 1)
      return FullProductName(name: name, productID: "CSAFPID-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits)
    }
  }

  static func stateSentence(_ c: Case, publisher: CSAFPublisher) -> String {
    switch c.state {
    case .new, .triaged: return "The report is being assessed."
    case .accepted, .fixing: return "\(publisher.name) has confirmed the vulnerability and is working on a fix."
    case .duplicate: return "The report repeats an earlier one."
    case .rejected: return "\(publisher.name) assessed the report and found no vulnerability."
    case .fixed: return "\(publisher.name) has fixed the vulnerability; disclosure is pending."
    case .disclosed, .closed: return "\(publisher.name) has fixed the vulnerability and disclosed it."
    }
  }

  static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

  // MARK: JSON shape (CSAF 2.0 section 3.2; nil and empty lists are left out, as the schema requires)

  struct Document: Encodable, Sendable {
    let category: String
    let csafVersion: String
    let distribution: Distribution
    let lang: String?
    let notes: [Note]
    let publisher: Publisher
    let references: [Reference]?
    let title: String
    let tracking: Tracking
    enum CodingKeys: String, CodingKey {
      case category, csafVersion = "csaf_version", distribution, lang, notes, publisher, references, title, tracking
    }
  }

  struct Distribution: Encodable, Sendable { let tlp: TLP }
  struct TLP: Encodable, Sendable { let label: String }

  struct Note: Encodable, Sendable {
    let category: String
    let title: String?
    let text: String
  }

  struct Publisher: Encodable, Sendable {
    let category: String
    let contactDetails: String?
    let name: String
    let namespace: String
    enum CodingKeys: String, CodingKey { case category, contactDetails = "contact_details", name, namespace }
  }

  struct Reference: Encodable, Sendable {
    let category: String
    let summary: String
    let url: String
  }

  struct Tracking: Encodable, Sendable {
    let currentReleaseDate: String
    let generator: Generator
    let id: String
    let initialReleaseDate: String
    let revisionHistory: [Revision]
    let status: String
    let version: String
    enum CodingKeys: String, CodingKey {
      case currentReleaseDate = "current_release_date", generator, id, initialReleaseDate = "initial_release_date"
      case revisionHistory = "revision_history", status, version
    }
  }

  struct Generator: Encodable, Sendable {
    let date: String
    let engine: Engine
  }

  struct Engine: Encodable, Sendable {
    let name: String
    let version: String?
  }

  struct Revision: Encodable, Sendable {
    let date: String
    let number: String
    let summary: String
  }

  struct ProductTree: Encodable, Sendable { let branches: [Branch] }

  /// A branch has exactly three properties: category, name, and either sub-branches or a product.
  struct Branch: Encodable, Sendable {
    let category: String
    let name: String
    let branches: [Branch]?
    let product: FullProductName?

    init(category: String, name: String, branches: [Branch]) {
      self.category = category
      self.name = name
      self.branches = branches
      self.product = nil
    }

    init(category: String, name: String, product: FullProductName) {
      self.category = category
      self.name = name
      self.branches = nil
      self.product = product
    }
  }

  struct FullProductName: Encodable, Sendable {
    let name: String
    let productID: String
    enum CodingKeys: String, CodingKey { case name, productID = "product_id" }
  }

  struct Vulnerability: Encodable, Sendable {
    let acknowledgments: [Acknowledgment]?
    let cve: String?
    let cwe: CWE?
    let discoveryDate: String
    let ids: [VulnerabilityID]
    let notes: [Note]
    let productStatus: ProductStatus
    let releaseDate: String?
    let remediations: [Remediation]?
    let scores: [Score]?
    let title: String
    enum CodingKeys: String, CodingKey {
      case acknowledgments, cve, cwe, discoveryDate = "discovery_date", ids, notes, productStatus = "product_status"
      case releaseDate = "release_date", remediations, scores, title
    }
  }

  struct Acknowledgment: Encodable, Sendable {
    let names: [String]
    let summary: String
  }

  struct CWE: Encodable, Sendable {
    let id: String
    let name: String
  }

  struct VulnerabilityID: Encodable, Sendable {
    let systemName: String
    let text: String
    enum CodingKeys: String, CodingKey { case systemName = "system_name", text }
  }

  struct ProductStatus: Encodable, Sendable {
    var fixed: [String]?
    var knownAffected: [String]?
    var knownNotAffected: [String]?
    var underInvestigation: [String]?

    init(fixed: [String]? = nil, knownAffected: [String]? = nil, knownNotAffected: [String]? = nil, underInvestigation: [String]? = nil) {
      self.fixed = fixed
      self.knownAffected = knownAffected
      self.knownNotAffected = knownNotAffected
      self.underInvestigation = underInvestigation
    }

    enum CodingKeys: String, CodingKey {
      case fixed, knownAffected = "known_affected", knownNotAffected = "known_not_affected", underInvestigation = "under_investigation"
    }
  }

  struct Remediation: Encodable, Sendable {
    let category: String
    let date: String?
    let details: String
    let productIDs: [String]
    enum CodingKeys: String, CodingKey { case category, date, details, productIDs = "product_ids" }
  }

  struct Score: Encodable, Sendable {
    let cvssV3: CVSS3
    let products: [String]
    enum CodingKeys: String, CodingKey { case cvssV3 = "cvss_v3", products }
  }

  /// FIRST's CVSS v3.x JSON (cvss-v3.0.json / cvss-v3.1.json): the base fields only, so the
  /// object cannot disagree with its vector (mandatory test 6.1.10).
  struct CVSS3: Encodable, Sendable {
    let version: String
    let vectorString: String
    let baseScore: Double
    let baseSeverity: String
  }
}

/// Official names of common weaknesses, for CSAF's `cwe.name`, which must be the name MITRE
/// gives (mandatory test 6.1.11). Names from CWE 4.x, <https://cwe.mitre.org>.
public enum CWENames {
  public static func name(of id: String) -> String? { names[id.uppercased()] }

  static let names: [String: String] = [
    "CWE-20": "Improper Input Validation",
    "CWE-22": "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
    "CWE-77": "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
    "CWE-78": "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
    "CWE-79": "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
    "CWE-89": "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
    "CWE-94": "Improper Control of Generation of Code ('Code Injection')",
    "CWE-119": "Improper Restriction of Operations within the Bounds of a Memory Buffer",
    "CWE-125": "Out-of-bounds Read",
    "CWE-200": "Exposure of Sensitive Information to an Unauthorized Actor",
    "CWE-269": "Improper Privilege Management",
    "CWE-284": "Improper Access Control",
    "CWE-285": "Improper Authorization",
    "CWE-287": "Improper Authentication",
    "CWE-306": "Missing Authentication for Critical Function",
    "CWE-311": "Missing Encryption of Sensitive Data",
    "CWE-352": "Cross-Site Request Forgery (CSRF)",
    "CWE-362": "Concurrent Execution using Shared Resource with Improper Synchronization ('Race Condition')",
    "CWE-400": "Uncontrolled Resource Consumption",
    "CWE-416": "Use After Free",
    "CWE-434": "Unrestricted Upload of File with Dangerous Type",
    "CWE-476": "NULL Pointer Dereference",
    "CWE-502": "Deserialization of Untrusted Data",
    "CWE-601": "URL Redirection to Untrusted Site ('Open Redirect')",
    "CWE-611": "Improper Restriction of XML External Entity Reference",
    "CWE-639": "Authorization Bypass Through User-Controlled Key",
    "CWE-787": "Out-of-bounds Write",
    "CWE-798": "Use of Hard-coded Credentials",
    "CWE-862": "Missing Authorization",
    "CWE-863": "Incorrect Authorization",
    "CWE-918": "Server-Side Request Forgery (SSRF)",
    "CWE-1321": "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')",
  ]
}
