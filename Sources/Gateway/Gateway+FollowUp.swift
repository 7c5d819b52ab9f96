import Cases
import Foundation
import Logging
import OpenPGP
import Store

/// Mail about an existing case: threading, keyword agreement, impersonation checks.
///
/// Keywords change the agreement only when the follow-up is signed by the key
/// pinned to the case (the first report's signer). Anything else is kept as a
/// note for the team, and a different key signing mail about the case is
/// flagged as a possible impersonation.
extension Gateway {
  /// The case a readable mail continues: its subject names the case id, or it
  /// replies to (In-Reply-To/References) a mail of the case.
  func followedCase(_ report: Report) async throws(GatewayError) -> Case? {
    do {
      var id = CaseID.first(in: report.subject)
      if id == nil { id = try await store.caseID(forMessageIDs: report.references) }
      guard let id else { return nil }
      return try await store.caseRecord(id)?.case
    } catch { throw .store(error) }
  }

  /// Records a follow-up on `target` and applies its keywords when they may be applied.
  func recordFollowUp(_ report: Report, reading: Reading, raw: RawMail, on target: Case, log: Logger) async throws(GatewayError) {
    var log = log
    log[metadataKey: "case.id"] = "\(target.id)"
    let signer: String? = { if case .valid(let fpr, _, _) = reading.verdict.signature { return fpr }; return nil }()
    let pinned = target.reporterFingerprint
    let impersonation = signer != nil && pinned != nil && signer != pinned
    let keywords = AgreementKeyword.find(in: report.text)
    let mayApply = signer != nil && signer == pinned
    var changes: [AgreementChange] = []
    var refused: [AgreementKeyword] = []
    var agreement = target.agreement ?? Agreement(fixDue: target.timeline.fixDue, disclosureDate: nil)
    if mayApply && !keywords.isEmpty {
      let limit = configuration.timeline
      (changes, refused) = agreement.apply(keywords, at: raw.receivedAt) { limit.allowsFixDate($0, for: target.timeline) }
    }
    do {
      if !changes.isEmpty {
        try await store.recordAgreement(caseID: target.id, agreement: agreement, changes: changes, source: "reporter",
                                        rawMailID: raw.id, at: raw.receivedAt)
      }
      try await store.addFollowUp(caseID: target.id, rawMailID: raw.id, receivedAt: raw.receivedAt, verdict: reading.verdict,
                                  signer: signer, keywords: keywords.map(\.description), applied: mayApply && !keywords.isEmpty,
                                  possibleImpersonation: impersonation, text: report.text, messageID: report.messageID)
      if impersonation {
        try await store.addNote(caseID: target.id, actor: "gateway",
                                text: "A follow-up was signed by \(signer ?? "?"), not by the key pinned to this case (\(pinned ?? "none")): possible impersonation. Its keywords were not applied.")
      } else if !keywords.isEmpty && !mayApply {
        try await store.addNote(caseID: target.id, actor: "gateway",
                                text: "A follow-up asked for \(keywords.map(\.description).joined(separator: ", ")) but was not signed by the key pinned to this case; please confirm with the reporter.")
      }
      if !refused.isEmpty {
        try await store.addNote(caseID: target.id, actor: "gateway",
                                text: "The reporter asked for \(refused.map(\.description).joined(separator: ", ")), beyond what the policy allows; the team must decide.")
      }
    } catch { throw .store(error) }
    await rememberSigner(reading, address: report.reporterAddress, caseID: target.id)
    log.info("Follow-up added to case", metadata: ["pgp.signature": "\(reading.verdict.signature.name)",
                                                   "agreement.changes": "\(changes.count)", "impersonation": "\(impersonation)"])
    if !changes.isEmpty {
      _ = try await sendAgreement(for: target.id, changes: changes, replyTo: report.messageID, log: log)
    }
  }

  /// Keeps track of which key signed for which address, and flags a second key for one address.
  func rememberSigner(_ reading: Reading, address: String, caseID: CaseID) async {
    guard let key = signerKey(reading),
          let others = try? await store.recordReporterKey(key.fingerprint, address: address, source: key.source) else { return }
    await noteKeyConflict(key, others: others, address: address, caseID: caseID)
  }

  /// The key of a valid signature whose key speaks for the sender, and where the gateway got it.
  func signerKey(_ reading: Reading) -> Store.SignerKey? {
    guard case .valid(let fpr, _, true) = reading.verdict.signature else { return nil }
    let source: ReporterKey.Source = reading.importedKeySource == "autocrypt" ? .autocrypt
      : reading.verdict.flags.contains(.attachedKeyImported) ? .attachment : .admin
    return Store.SignerKey(fingerprint: fpr, source: source)
  }

  /// Tells the team on the case when the reporter's address has more than one key.
  func noteKeyConflict(_ key: Store.SignerKey, others: [String], address: String, caseID: CaseID) async {
    guard !others.isEmpty else { return }
    _ = try? await store.addNote(caseID: caseID, actor: "gateway",
                                 text: "The reporter's address \(address) now has more than one key (\(([key.fingerprint] + others).joined(separator: ", "))). Mail to the reporter is only encrypted to the key pinned to this case; an admin should check which key is genuine (`meldpunt keys list`).")
  }

  /// Sends the reporter the signed, machine-readable agreement after a change.
  @discardableResult
  public func sendAgreement(for caseID: CaseID, changes: [AgreementChange], replyTo: String?, by actor: String = "reporter",
                            log: Logger) async throws(GatewayError) -> Bool {
    let record: CaseRecord?
    do { record = try await store.caseRecord(caseID) } catch { throw .store(error) }
    guard let target = record?.case, let agreement = target.agreement else { return false }
    let document = AgreementDocument(case: target, agreement: agreement, changes: changes, by: actor,
                                     organisation: configuration.organisation)
    let text = Acknowledgement.agreementChanged(caseID: caseID, changes: changes, texts: mail.texts(for: target.language), facts: facts)
    let entry = try await queueReporterMail(.agreement, for: target, rawMailID: nil, subject: text.subject, body: text.body,
                                            attachments: [OutgoingAttachment(name: "agreement.json", type: "application/json", bytes: document.json())],
                                            replyTo: replyTo)
    return await deliver(entry, log: log)
  }
}

/// The agreement as JSON (schema in Config/schemas/agreement.schema.json).
struct AgreementDocument: Encodable {
  struct Terms: Encodable {
    let fixDue: String
    let disclosureDate: String?
    let creditAs: String?
    let noCredit: Bool
    let consentToCoordinator: Bool?
    let acceptedAt: String?

    enum CodingKeys: String, CodingKey { case fixDue, disclosureDate, creditAs, noCredit, consentToCoordinator, acceptedAt }
    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(fixDue, forKey: .fixDue)
      try c.encode(disclosureDate, forKey: .disclosureDate)
      try c.encode(creditAs, forKey: .creditAs)
      try c.encode(noCredit, forKey: .noCredit)
      try c.encode(consentToCoordinator, forKey: .consentToCoordinator)
      try c.encode(acceptedAt, forKey: .acceptedAt)
    }
  }
  struct Change: Encodable {
    let field: String
    let from: String?
    let to: String?
    let by: String
    enum CodingKeys: String, CodingKey { case field, from, to, by }
    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(field, forKey: .field)
      try c.encode(from, forKey: .from)
      try c.encode(to, forKey: .to)
      try c.encode(by, forKey: .by)
    }
  }

  let schema = "meldpunt-agreement-1"
  let `case`: String
  let issuedAt: String
  let organisation: String
  let reporter: String
  let reporterKey: String?
  let agreement: Terms
  let changes: [Change]

  init(case target: Case, agreement: Agreement, changes: [AgreementChange], by actor: String, organisation: String, now: Date = Date()) {
    `case` = target.id.description
    issuedAt = ISO8601DateFormatter().string(from: now)
    self.organisation = organisation
    reporter = target.reporterAddress
    reporterKey = target.reporterFingerprint
    self.agreement = Terms(fixDue: UTCDate.day(agreement.fixDue), disclosureDate: agreement.disclosureDate.map(UTCDate.day),
                           creditAs: agreement.creditAs, noCredit: agreement.noCredit,
                           consentToCoordinator: agreement.consentToCoordinator, acceptedAt: agreement.acceptedAt.map(UTCDate.day))
    self.changes = changes.map { Change(field: $0.field.rawValue, from: $0.from, to: $0.to, by: actor) }
  }

  enum CodingKeys: String, CodingKey { case schema, `case`, issuedAt, organisation, reporter, reporterKey, agreement, changes }
  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(schema, forKey: .schema)
    try c.encode(`case`, forKey: .case)
    try c.encode(issuedAt, forKey: .issuedAt)
    try c.encode(organisation, forKey: .organisation)
    try c.encode(reporter, forKey: .reporter)
    try c.encode(reporterKey, forKey: .reporterKey)
    try c.encode(agreement, forKey: .agreement)
    try c.encode(changes, forKey: .changes)
  }

  func json() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return (try? [UInt8](encoder.encode(self))) ?? []
  }
}
