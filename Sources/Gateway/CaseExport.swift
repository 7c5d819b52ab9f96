import Cases
import Foundation
import Store

/// A case as one JSON document (`cases export --json`, webhooks): the schema is
/// Config/schemas/case-export.schema.json, and tests validate against it.
public struct CaseExport: Encodable, Sendable {
  public static let schemaName = "meldpunt-case-1"

  struct Reporter: Encodable { let address: String; let name: String?; let keyFingerprint: String?; let creditAs: String?; let noCredit: Bool }
  struct Dates: Encodable {
    let receivedAt: String; let acknowledgeDue: String; let acknowledgedAt: String?; let triageDue: String; let triagedAt: String?
    let fixDue: String; let fixedAt: String?; let proposedDisclosure: String; let disclosureAgreed: String?
  }
  struct Promise: Encodable { let kind: String; let state: String; let due: String }
  struct Score: Encodable { let version: String; let vector: String; let baseScore: Double?; let severity: String? }
  struct FollowUpEntry: Encodable {
    let receivedAt: String; let signature: String; let signerFingerprint: String?; let keywords: [String]; let applied: Bool
    let possibleImpersonation: Bool; let sender: String?; let refusedKeywords: [String]
  }
  struct Event: Encodable { let at: String; let actor: String; let action: String; let detail: String }
  struct Change: Encodable { let at: String; let by: String; let field: String; let from: String?; let to: String? }
  struct Note: Encodable { let at: String; let actor: String; let text: String }
  struct ReportContent: Encodable { let text: String?; let fields: ReportFields? }

  let schema = CaseExport.schemaName
  let id: String
  let state: String
  let title: String
  let severity: String?
  let cvss: [Score]
  let cwe: [String]
  let cve: [String]
  let assets: [String]
  let scope: String
  let reporter: Reporter
  let consentToCoordinator: Bool?
  let dates: Dates
  let promises: [Promise]
  let verdict: Verdict
  let attachments: [Attachment]
  let possibleDuplicateOf: String?
  let claimsCase: String?
  let copyOf: String?
  let awaitedSignerKey: String?
  let followUps: [FollowUpEntry]
  let agreementChanges: [Change]
  let notes: [Note]
  let history: [Event]
  let report: ReportContent

  public init(record: CaseRecord, followUps: [FollowUp], changes: [RecordedAgreementChange], notes: [CaseNote],
              events: [AuditEvent], policy: TimelinePolicy, now: Date = Date(), scores: (String) -> (version: String, score: Double, severity: String)? = { _ in nil }) {
    let c = record.case
    func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    id = c.id.description
    state = c.state.rawValue
    title = c.title
    severity = c.severity?.rawValue
    cvss = c.cvssVectors.map { vector in
      let scored = scores(vector)
      return Score(version: scored?.version ?? String(vector.dropFirst(5).prefix(3)), vector: vector, baseScore: scored?.score, severity: scored?.severity)
    }
    cwe = c.cweIDs
    cve = c.cveIDs
    assets = c.assets
    scope = c.scope.rawValue
    reporter = Reporter(address: c.reporterAddress, name: c.reporterName, keyFingerprint: c.reporterFingerprint,
                        creditAs: c.agreement?.creditAs, noCredit: c.agreement?.noCredit ?? false)
    consentToCoordinator = c.agreement?.consentToCoordinator
    dates = Dates(receivedAt: iso(c.timeline.receivedAt), acknowledgeDue: iso(c.timeline.acknowledgeDue),
                  acknowledgedAt: c.acknowledgedAt.map(iso), triageDue: iso(c.timeline.triageDue), triagedAt: c.triagedAt.map(iso),
                  fixDue: iso(c.agreement?.fixDue ?? c.timeline.fixDue), fixedAt: c.fixedAt.map(iso),
                  proposedDisclosure: iso(c.timeline.proposedDisclosure), disclosureAgreed: c.agreement?.disclosureDate.map(iso))
    promises = policy.status(of: c.timeline, acknowledgedAt: c.acknowledgedAt, triagedAt: c.triagedAt, fixedAt: c.fixedAt,
                             now: now, warnWithin: 2).map { Promise(kind: "\($0.kind)", state: "\($0.state)", due: iso($0.due)) }
    verdict = c.verdict
    attachments = c.attachments
    possibleDuplicateOf = c.possibleDuplicateOf?.description
    claimsCase = c.claimedCaseID?.description
    copyOf = c.copyOf?.description
    awaitedSignerKey = c.awaitedSigner?.uppercased()
    self.followUps = followUps.map {
      FollowUpEntry(receivedAt: iso($0.receivedAt), signature: $0.verdict.signature.name, signerFingerprint: $0.signer,
                    keywords: $0.keywords, applied: $0.applied, possibleImpersonation: $0.possibleImpersonation,
                    sender: $0.sender, refusedKeywords: $0.refusedKeywords)
    }
    agreementChanges = changes.map { Change(at: iso($0.at), by: $0.source, field: $0.change.field.rawValue, from: $0.change.from, to: $0.change.to) }
    self.notes = notes.map { Note(at: iso($0.at), actor: $0.actor, text: $0.text) }
    history = events.map { Event(at: iso($0.at), actor: $0.actor, action: $0.action, detail: $0.detail) }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    report = ReportContent(text: record.reportText, fields: record.fieldsJSON.flatMap { try? decoder.decode(ReportFields.self, from: Data($0.utf8)) })
  }

  /// Loads everything a case export needs from the store.
  public static func load(_ caseID: CaseID, store: Store, policy: TimelinePolicy,
                          scores: (String) -> (version: String, score: Double, severity: String)? = { _ in nil }) async throws(StoreError) -> CaseExport? {
    guard let record = try await store.caseRecord(caseID) else { return nil }
    return CaseExport(record: record, followUps: try await store.followUps(caseID: caseID),
                      changes: try await store.agreementChanges(caseID: caseID), notes: try await store.notes(caseID: caseID),
                      events: try await store.auditEvents(caseID: caseID), policy: policy, scores: scores)
  }

  public func json() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return (try? [UInt8](encoder.encode(self))) ?? []
  }
}

