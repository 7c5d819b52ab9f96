import Cases
import Foundation

/// A package in one of the ecosystems OSV knows, for `affected[].package`.
///
/// OSV only accepts its own list of ecosystems (`npm`, `PyPI`, `Maven`, `Debian:12`…, see
/// `$defs.ecosystemWithSuffix` in Config/schemas/osv-schema.json), so a product that is not
/// published in one of them has no package: its assets go in `database_specific` instead.
/// <https://ossf.github.io/osv-schema/#affectedpackage-field>
public struct OSVPackage: Sendable, Equatable {
  public var ecosystem: String
  public var name: String
  /// A package URL (`pkg:npm/left-pad`), if there is one.
  public var purl: String?

  public init(ecosystem: String, name: String, purl: String? = nil) {
    self.ecosystem = ecosystem
    self.name = name
    self.purl = purl
  }
}

/// One case as an Open Source Vulnerability record, for `meldpunt cases export ID --osv`.
///
/// Fields follow the OSV schema 1.6 (<https://ossf.github.io/osv-schema/>); the record validates
/// against Config/schemas/osv-schema.json (tests check it). Two rules of that schema shape it:
/// - `id` must start with a registered database prefix (`GHSA-`, `PYSEC-`…) or `x_` for a
///   database that is not registered, so the id is `idPrefix` + case id, `x_MP-2026-0001` by default;
/// - severity is given once, at the top, with one entry per CVSS v3.x or v4.0 vector.
///
/// The reporter is credited (`FINDER`) only when the agreement names a credit and not
/// `NO-CREDIT`; the report text is never included.
public struct OSVRecord: Encodable, Sendable {
  /// The OSV schema version the record is written for.
  public static let schemaVersion = "1.6.0"
  /// Prefix for databases that OSV has not registered.
  public static let privatePrefix = "x_"

  let schemaVersionValue: String
  let id: String
  let modified: String
  let published: String
  let aliases: [String]?
  let summary: String
  let details: String
  let severity: [Severity]?
  let affected: [Affected]?
  let references: [Reference]?
  let credits: [Credit]?
  let databaseSpecific: DatabaseSpecific

  enum CodingKeys: String, CodingKey {
    case schemaVersionValue = "schema_version", id, modified, published, aliases, summary, details, severity, affected
    case references, credits, databaseSpecific = "database_specific"
  }

  /// - Parameters:
  ///   - idPrefix: put before the case id; `x_` unless the organisation has a registered OSV prefix.
  ///   - package: the published package the case is about, if it is in an OSV ecosystem.
  ///   - advisoryURL: the published advisory, as an `ADVISORY` reference.
  ///   - now: `modified`; also `published` until the case is disclosed.
  public init(case c: Case, organisation: String, idPrefix: String = OSVRecord.privatePrefix, package: OSVPackage? = nil,
              advisoryURL: String? = nil, now: Date = Date()) {
    func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    schemaVersionValue = Self.schemaVersion
    id = idPrefix + c.id.description
    modified = iso(now)
    let disclosed = [CaseState.disclosed, .closed].contains(c.state)
    published = iso(disclosed ? CSAFDocument.releaseDate(of: c, now: now) : now)
    aliases = c.cveIDs.isEmpty ? nil : c.cveIDs
    summary = c.title

    let fixDue = c.agreement?.fixDue ?? c.timeline.fixDue
    var lines = ["\(organisation) received a report of this vulnerability on \(UTCDate.day(c.timeline.receivedAt)) (case \(c.id))."]
    switch c.state {
    case .new, .triaged: lines.append("The report is being assessed.")
    case .accepted, .fixing: lines.append("The vulnerability is confirmed; a fix is due by \(UTCDate.day(fixDue)).")
    case .duplicate: lines.append("The report repeats an earlier one\(c.possibleDuplicateOf.map { " (\($0))" } ?? "").")
    case .rejected: lines.append("\(organisation) found no vulnerability.")
    case .fixed, .disclosed, .closed:
      lines.append("The vulnerability was fixed" + (c.fixedAt.map { " on \(UTCDate.day($0))." } ?? "."))
    }
    if !c.assets.isEmpty { lines.append("Affected: " + c.assets.joined(separator: ", ") + ".") }
    if !c.cweIDs.isEmpty { lines.append("Weakness: " + c.cweIDs.joined(separator: ", ") + ".") }
    details = lines.joined(separator: "\n\n")

    let scored = c.cvssVectors.compactMap { try? CVSS.score($0) }
    let severities = scored.map { Severity(type: $0.version == .v4_0 ? "CVSS_V4" : "CVSS_V3", score: $0.vector) }
    severity = severities.isEmpty ? nil : severities
    affected = package.map { [Affected(package: Package(ecosystem: $0.ecosystem, name: $0.name, purl: $0.purl))] }
    references = advisoryURL.map { [Reference(type: "ADVISORY", url: $0)] }
    credits = CSAFDocument.credit(of: c).map { [Credit(name: $0, type: "FINDER")] }
    databaseSpecific = DatabaseSpecific(
      caseID: c.id.description, state: c.state.rawValue, severity: c.severity?.rawValue,
      cwe: c.cweIDs.isEmpty ? nil : c.cweIDs, assets: c.assets.isEmpty ? nil : c.assets,
      fixDue: disclosed || c.state == .fixed || c.state == .rejected ? nil : UTCDate.day(fixDue))
  }

  /// Pretty-printed JSON with sorted keys, as `cases export --osv` writes it.
  public func json() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Only strings and arrays of them: encoding cannot fail.
    return (try? [UInt8](encoder.encode(self))) ?? []
  }

  struct Severity: Encodable, Sendable {
    let type: String
    let score: String
  }

  struct Affected: Encodable, Sendable { let package: Package }

  struct Package: Encodable, Sendable {
    let ecosystem: String
    let name: String
    let purl: String?
  }

  struct Reference: Encodable, Sendable {
    let type: String
    let url: String
  }

  struct Credit: Encodable, Sendable {
    let name: String
    let type: String
  }

  /// Meldpunt's own fields: the case, its state and what OSV has no field for.
  struct DatabaseSpecific: Encodable, Sendable {
    let caseID: String
    let state: String
    let severity: String?
    let cwe: [String]?
    let assets: [String]?
    let fixDue: String?
    enum CodingKeys: String, CodingKey { case caseID = "case_id", state, severity, cwe, assets, fixDue = "fix_due" }
  }
}
