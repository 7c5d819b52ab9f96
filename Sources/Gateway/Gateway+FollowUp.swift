import Cases
import Foundation
import Logging
import OpenPGP
import Store

/// Mail about an existing case: threading, keyword agreement, impersonation checks.
///
/// A mail is added to a case only when it comes from the case's reporter or is signed by the
/// key pinned to the case; any other mail that names a case opens a case of its own that says
/// so. Keywords change the agreement only when they stand inside the part covered by a valid
/// signature of the pinned key, in a mail with nothing unsigned beside it; every keyword that
/// is not applied is told to the reporter and the team, with the reason (issue 18).
extension Gateway {
  /// What a readable mail continues.
  enum Thread: Sendable {
    /// A new report.
    case none
    /// A follow-up of this case.
    case follows(Case)
    /// It names this case, but its sender is not the case's reporter.
    case claims(CaseID)
  }

  /// The case a readable mail continues: its subject names the case id, or it replies to
  /// (In-Reply-To/References) a mail of the case; and whether it may.
  func thread(of report: Report, reading: Reading) async throws(GatewayError) -> Thread {
    let target: Case?
    do {
      var id = CaseID.first(in: report.subject)
      if id == nil { id = try await store.caseID(forMessageIDs: report.references) }
      guard let id else { return .none }
      target = try await store.caseRecord(id)?.case
    } catch { throw .store(error) }
    guard let target else { return .none }
    // An out-of-office or a bounce is never anyone's follow-up.
    if ReplyPolicy.isAutomatic(reading.autoReplyHeaders) { return .claims(target.id) }
    if report.reporterAddress.caseInsensitiveCompare(target.reporterAddress) == .orderedSame { return .follows(target) }
    if case .valid(let signer, _, _) = reading.verdict.signature, let pinned = target.reporterFingerprint,
       signer.caseInsensitiveCompare(pinned) == .orderedSame {
      return .follows(target)
    }
    return .claims(target.id)
  }

  /// Records a follow-up on `target` and applies its keywords when they may be applied.
  func recordFollowUp(_ report: Report, reading: Reading, raw: RawMail, on target: Case, log: Logger) async throws(GatewayError) {
    var log = log
    log[metadataKey: "case.id"] = "\(target.id)"
    var target = target
    let signer: String? = { if case .valid(let fpr, _, _) = reading.verdict.signature { return fpr }; return nil }()
    // The key the first report was signed with may come with this reply: verify the original
    // again and pin it before judging the keywords.
    if target.reporterFingerprint == nil, reading.verdict.speaksForSender, let signer, let awaited = target.awaitedSigner,
       Fingerprint(awaited).matches(Fingerprint(signer)) {
      target = try await settleAwaitedSigner(target, fingerprint: signer, source: signerKey(reading)?.source ?? .attachment, log: log) ?? target
    }
    let pinned = target.reporterFingerprint
    let impersonation = signer != nil && pinned != nil && signer?.uppercased() != pinned?.uppercased()
    let keywords = AgreementKeyword.find(in: report.text)
    let signedKeywords = Set(AgreementKeyword.find(in: reading.signedText ?? "").map(\.description))
    var allowed: [AgreementKeyword] = []
    var refusedHere: [(keyword: String, reason: KeywordRefusal)] = []
    for keyword in keywords {
      if let reason = Self.refusal(of: keyword, signer: signer, pinned: pinned, verdict: reading.verdict, signedKeywords: signedKeywords) {
        refusedHere.append((keyword.description, reason))
      } else {
        allowed.append(keyword)
      }
    }
    var changes: [AgreementChange] = []
    var beyondPolicy: [AgreementKeyword] = []
    var agreement = target.agreement ?? Agreement(fixDue: target.timeline.fixDue, disclosureDate: nil)
    if !allowed.isEmpty {
      let limit = configuration.timeline
      let timeline = target.timeline
      (changes, beyondPolicy) = agreement.apply(allowed, at: raw.receivedAt) { limit.allowsFixDate($0, for: timeline) }
    }
    let refusedTexts = refusedHere.map { "\($0.keyword): \($0.reason.rawValue)" }
    do {
      if !changes.isEmpty {
        try await store.recordAgreement(caseID: target.id, agreement: agreement, changes: changes, source: "reporter",
                                        rawMailID: raw.id, at: raw.receivedAt)
      }
      try await store.addFollowUp(caseID: target.id, rawMailID: raw.id, receivedAt: raw.receivedAt, verdict: reading.verdict,
                                  signer: signer, keywords: keywords.map(\.description), applied: refusedHere.isEmpty && !keywords.isEmpty,
                                  possibleImpersonation: impersonation, text: report.text, messageID: report.messageID,
                                  sender: report.reporterAddress, refused: refusedTexts)
      if impersonation {
        try await store.addNote(caseID: target.id, actor: "gateway",
                                text: "A follow-up was signed by \(signer ?? "?"), not by the key pinned to this case (\(pinned ?? "none")): possible impersonation. Its keywords were not applied.")
      } else if !refusedHere.isEmpty {
        try await store.addNote(caseID: target.id, actor: "gateway",
                                text: "A follow-up from \(report.reporterAddress) asked for \(refusedHere.map(\.keyword).joined(separator: ", ")), which was not applied (\(Set(refusedHere.map(\.reason.rawValue)).sorted().joined(separator: ", "))); the reporter was told how to send it signed. `meldpunt cases pin-key` settles which key is the reporter's.")
      }
      if !beyondPolicy.isEmpty {
        try await store.addNote(caseID: target.id, actor: "gateway",
                                text: "The reporter asked for \(beyondPolicy.map(\.description).joined(separator: ", ")), beyond what the policy allows; the team must decide.")
      }
    } catch { throw .store(error) }
    await rememberSigner(reading, address: report.reporterAddress, caseID: target.id)
    log.info("Follow-up added to case", metadata: ["pgp.signature": "\(reading.verdict.signature.name)",
                                                   "agreement.changes": "\(changes.count)", "keywords.refused": "\(refusedHere.count)",
                                                   "impersonation": "\(impersonation)"])
    if !changes.isEmpty {
      _ = try await sendAgreement(for: target.id, changes: changes, replyTo: report.messageID, log: log)
    }
    if !refusedHere.isEmpty {
      // The keyword's name only: its argument came from the mail and is never quoted back.
      let named = refusedHere.map { (keyword: String($0.keyword.prefix { $0 != " " }), reason: $0.reason) }
      let text = Acknowledgement.keywordsNotApplied(caseID: target.id, refused: named, texts: mail.texts(for: target.language),
                                                    facts: facts)
      let entry = try await queueReporterMail(.reply, for: target, rawMailID: raw.id, subject: text.subject, body: text.body,
                                              replyTo: report.messageID)
      _ = await deliver(entry, log: log)
    }
  }

  /// Why `keyword` may not change the agreement, or nil when it may: only inside the part a
  /// valid signature of the case's pinned key covers, in a mail with nothing beside that part.
  static func refusal(of keyword: AgreementKeyword, signer: String?, pinned: String?, verdict: Verdict,
                      signedKeywords: Set<String>) -> KeywordRefusal? {
    guard let signer else { return .unsigned }
    guard let pinned else { return .noPinnedKey }
    if signer.uppercased() != pinned.uppercased() { return .otherKey }
    if !signedKeywords.contains(keyword.description) { return .outsideSignedPart }
    if !verdict.flags.isDisjoint(with: [.unsignedTextOutsideSignedPart, .signedPartHiddenOrNotReport, .signerDiffersFromSender]) {
      return .mixedMessage
    }
    return nil
  }

  /// The awaited key of `target` arrived: the stored original is read again with it and, when
  /// that key now speaks for the reporter, the case gets the new verdict and the key is pinned.
  /// Nil when the original does not verify with it.
  func settleAwaitedSigner(_ target: Case, fingerprint: String, source: ReporterKey.Source,
                           log: Logger) async throws(GatewayError) -> Case? {
    let bytes: [UInt8]
    do throws(StoreError) {
      guard let record = try await store.caseRecord(target.id) else { throw .notFound("Case \(target.id)") }
      bytes = try await store.rawMailBytes(id: record.rawMailID)
    } catch { throw .store(error) }
    let again = await reader.read(bytes, receivedAt: target.timeline.receivedAt)
    guard again.verdict.speaksForSender, let signer = again.verdict.signature.fingerprint,
          signer.caseInsensitiveCompare(fingerprint) == .orderedSame else {
      log.notice("The awaited key did not verify the first report", metadata: ["pgp.key": "\(fingerprint)"])
      return nil
    }
    let settled: Case?
    do {
      let others = try await store.pinAwaitedSigner(caseID: target.id, verdict: again.verdict, fingerprint: signer, source: source)
      await noteKeyConflict(Store.SignerKey(fingerprint: signer, source: source), others: others, address: target.reporterAddress,
                            caseID: target.id)
      settled = try await store.caseRecord(target.id)?.case
    } catch { throw .store(error) }
    log.info("The first report's key arrived; the original verified again", metadata: ["pgp.key": "\(signer)"])
    return settled
  }

  /// A key just arrived (WKD, an admin's import or pin): every case waiting for it is settled.
  func keyArrived(_ fingerprint: Fingerprint, source: ReporterKey.Source) async throws(GatewayError) {
    let waiting: [CaseID]
    do { waiting = try await store.casesAwaiting(signer: fingerprint.hex) } catch { throw .store(error) }
    for id in waiting {
      let target: Case?
      do { target = try await store.caseRecord(id)?.case } catch { throw .store(error) }
      if let target { _ = try await settleAwaitedSigner(target, fingerprint: fingerprint.hex, source: source, log: logger) }
    }
  }

  /// Keeps track of which key signed for which address, and flags a second key for one address.
  func rememberSigner(_ reading: Reading, address: String, caseID: CaseID) async {
    guard let key = signerKey(reading),
          let others = try? await store.recordReporterKey(key.fingerprint, address: address, source: key.source) else { return }
    await noteKeyConflict(key, others: others, address: address, caseID: caseID)
  }

  /// The key of a valid signature that speaks for the sender, and where the gateway got it:
  /// the only key ever pinned (issue 18, point 3).
  func signerKey(_ reading: Reading) -> Store.SignerKey? {
    guard reading.verdict.speaksForSender, case .valid(let fpr, _, true) = reading.verdict.signature else { return nil }
    let source: ReporterKey.Source = reading.importedKeySource == "autocrypt" ? .autocrypt
      : reading.verdict.flags.contains(.attachedKeyImported) ? .attachment : .admin
    return Store.SignerKey(fingerprint: fpr, source: source)
  }

  /// Tells the team on the case when the reporter's address has more than one key.
  func noteKeyConflict(_ key: Store.SignerKey, others: [String], address: String, caseID: CaseID) async {
    guard !others.isEmpty else { return }
    _ = try? await store.addNote(caseID: caseID, actor: "gateway",
                                 text: "The reporter's address \(address) now has more than one key (\(([key.fingerprint] + others).joined(separator: ", "))). Only the key pinned to the address is used for verdicts, encryption and agreements; the team decides with `meldpunt cases pin-key \(caseID) FINGERPRINT`.")
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
