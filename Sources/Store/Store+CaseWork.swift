import Cases
import Foundation
import GRDB

/// What the team and reporters change on cases after they are opened.
extension Store {
  /// The case a mail belongs to, from the Message-IDs it refers to (In-Reply-To, References).
  public func caseID(forMessageIDs ids: [String]) async throws(StoreError) -> CaseID? {
    guard !ids.isEmpty else { return nil }
    return try await readCases { db in
      for id in ids.reversed() {
        if let found = try String.fetchOne(db, cached: "SELECT case_id FROM case_message WHERE message_id = ?", arguments: [id]) {
          return CaseID(found)
        }
      }
      return nil
    }
  }

  /// Records a follow-up mail on a case; the raw mail is then taken as handled by that case.
  @discardableResult
  public func addFollowUp(caseID: CaseID, rawMailID: Int64, receivedAt: Date, verdict: Verdict, signer: String?,
                          keywords: [String], applied: Bool, possibleImpersonation: Bool, text: String?,
                          messageID: String?, sender: String? = nil, refused: [String] = []) async throws(StoreError) -> FollowUp {
    let keepText = keepsReportText
    return try await writeCases { db in
      if let existing = try Row.fetchOne(db, cached: "SELECT * FROM follow_up WHERE raw_mail_id = ?", arguments: [rawMailID]) {
        return try Store.followUp(existing)
      }
      try db.execute(cached: """
        INSERT INTO follow_up (case_id, raw_mail_id, received_at, verdict, signer, keywords, applied, impersonation, text, sender, refused)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [caseID.description, rawMailID, receivedAt, try Store.json(verdict), signer, try Store.json(keywords),
                         applied, possibleImpersonation, keepText ? text : nil, sender, try Store.json(refused)])
      let id = db.lastInsertedRowID
      if let messageID {
        try db.execute(cached: "INSERT OR IGNORE INTO case_message (message_id, case_id) VALUES (?, ?)", arguments: [messageID, caseID.description])
      }
      try db.execute(cached: "UPDATE raw_mail SET state = 'cased' WHERE id = ?", arguments: [rawMailID])
      var detail = "from \(sender ?? "(no address)"), signature \(verdict.signature.name)"
      if possibleImpersonation { detail += ", signed by a key other than the case's: possible impersonation" }
      if !keywords.isEmpty { detail += ", keywords \(keywords.joined(separator: " ")) \(applied ? "applied" : "not applied")" }
      if !refused.isEmpty { detail += "; refused: \(refused.joined(separator: "; "))" }
      try Store.audit(db, caseID: caseID, rawMailID: rawMailID, actor: "reporter", action: "followUp.received", detail: detail)
      return try Store.followUp(try Row.fetchOne(db, cached: "SELECT * FROM follow_up WHERE id = ?", arguments: [id])!)
    }
  }

  public func followUps(caseID: CaseID) async throws(StoreError) -> [FollowUp] {
    try await readCases { db in
      try Row.fetchAll(db, cached: "SELECT * FROM follow_up WHERE case_id = ? ORDER BY id", arguments: [caseID.description]).map(Store.followUp)
    }
  }

  /// The case that holds `rawMailID` as a follow-up, if any.
  public func followUpCase(rawMailID: Int64) async throws(StoreError) -> CaseID? {
    try await readCases { db in
      try String.fetchOne(db, cached: "SELECT case_id FROM follow_up WHERE raw_mail_id = ?", arguments: [rawMailID]).flatMap(CaseID.init)
    }
  }

  @discardableResult
  public func addNote(caseID: CaseID, actor: String, text: String, at now: Date = Date()) async throws(StoreError) -> CaseNote {
    try await writeCases { db in
      try Store.requireCase(db, caseID)
      return try Store.addNote(db, caseID: caseID, actor: actor, text: text, at: now)
    }
  }

  /// `addNote` inside a transaction that is already open (`openCase` writes the gateway's notes
  /// on a new case with the case itself).
  static func addNote(_ db: Database, caseID: CaseID, actor: String, text: String, at now: Date) throws -> CaseNote {
    try db.execute(cached: "INSERT INTO case_note (case_id, at, actor, text) VALUES (?, ?, ?, ?)",
                   arguments: [caseID.description, now, actor, text])
    let id = db.lastInsertedRowID
    try audit(db, caseID: caseID, rawMailID: nil, actor: actor, action: "note.added", detail: "note \(id)")
    return CaseNote(id: id, at: now, actor: actor, text: text)
  }

  public func notes(caseID: CaseID) async throws(StoreError) -> [CaseNote] {
    try await readCases { db in
      try Row.fetchAll(db, cached: "SELECT * FROM case_note WHERE case_id = ? ORDER BY id", arguments: [caseID.description]).map {
        CaseNote(id: $0["id"], at: $0["at"], actor: $0["actor"], text: $0["text"])
      }
    }
  }

  /// A change the team makes with `cases update`. Only allowed state transitions pass;
  /// every change is one audit event, all in one transaction.
  public struct CaseUpdate: Sendable {
    public var state: CaseState?
    public var severity: Severity?
    public var title: String?
    public var fixDue: Date?
    public var triageDue: Date?
    public var disclosure: Date?
    public init(state: CaseState? = nil, severity: Severity? = nil, title: String? = nil, fixDue: Date? = nil,
                triageDue: Date? = nil, disclosure: Date? = nil) {
      self.state = state
      self.severity = severity
      self.title = title
      self.fixDue = fixDue
      self.triageDue = triageDue
      self.disclosure = disclosure
    }
  }

  /// Applies `update`; returns the case before and after.
  public func update(_ caseID: CaseID, _ update: CaseUpdate, actor: String,
                     at now: Date = Date()) async throws(StoreError) -> (before: Case, after: Case) {
    try await writeCases { db in
      guard let row = try Row.fetchOne(db, cached: "SELECT * FROM case_file WHERE id = ?", arguments: [caseID.description]) else {
        throw StoreError.notFound("Case \(caseID)")
      }
      let before = try Store.caseRecord(row).case
      if let next = update.state, next != before.state {
        guard before.state.canMove(to: next) else {
          throw StoreError.invalidTransition(CaseID: caseID.description, from: before.state.rawValue, to: next.rawValue)
        }
        try db.execute(cached: "UPDATE case_file SET state = ? WHERE id = ?", arguments: [next.rawValue, caseID.description])
        if next == .triaged { try db.execute(cached: "UPDATE case_file SET triaged_at = ? WHERE id = ?", arguments: [now, caseID.description]) }
        if next == .fixed { try db.execute(cached: "UPDATE case_file SET fixed_at = ? WHERE id = ?", arguments: [now, caseID.description]) }
        try Store.audit(db, caseID: caseID, rawMailID: nil, actor: actor, action: "state.changed", detail: "\(before.state.rawValue) → \(next.rawValue)")
      }
      if let severity = update.severity, severity != before.severity {
        try db.execute(cached: "UPDATE case_file SET severity = ? WHERE id = ?", arguments: [severity.rawValue, caseID.description])
        try Store.audit(db, caseID: caseID, rawMailID: nil, actor: actor, action: "severity.changed",
                        detail: "\(before.severity?.rawValue ?? "unset") → \(severity.rawValue)")
      }
      if let title = update.title, title != before.title {
        try db.execute(cached: "UPDATE case_file SET title = ? WHERE id = ?", arguments: [title, caseID.description])
        try Store.audit(db, caseID: caseID, rawMailID: nil, actor: actor, action: "title.changed", detail: "title changed")
      }
      if let due = update.triageDue, due != before.timeline.triageDue {
        try db.execute(cached: "UPDATE case_file SET triage_due = ? WHERE id = ?", arguments: [due, caseID.description])
        try Store.audit(db, caseID: caseID, rawMailID: nil, actor: actor, action: "triageDue.changed",
                        detail: "\(UTCDate.day(before.timeline.triageDue)) → \(UTCDate.day(due))")
      }
      var agreement = before.agreement ?? Agreement(fixDue: before.timeline.fixDue, disclosureDate: nil)
      var changes: [AgreementChange] = []
      if let due = update.fixDue, due != agreement.fixDue {
        changes.append(AgreementChange(field: .fixDue, from: UTCDate.day(agreement.fixDue), to: UTCDate.day(due)))
        agreement.fixDue = due
        try db.execute(cached: "UPDATE case_file SET fix_due = ? WHERE id = ?", arguments: [due, caseID.description])
      }
      if let date = update.disclosure, date != agreement.disclosureDate {
        changes.append(AgreementChange(field: .disclosureDate, from: agreement.disclosureDate.map(UTCDate.day), to: UTCDate.day(date)))
        agreement.disclosureDate = date
        try db.execute(cached: "UPDATE case_file SET disclosure_proposed = ? WHERE id = ?", arguments: [date, caseID.description])
      }
      if !changes.isEmpty {
        try Store.saveAgreement(db, caseID: caseID, agreement: agreement, changes: changes, source: actor, rawMailID: nil, at: now)
      }
      let after = try Store.caseRecord(try Row.fetchOne(db, cached: "SELECT * FROM case_file WHERE id = ?", arguments: [caseID.description])!).case
      return (before, after)
    }
  }

  /// Stores the agreement after a reporter's signed keywords (or a team change), with each change recorded.
  public func recordAgreement(caseID: CaseID, agreement: Agreement, changes: [AgreementChange], source: String,
                              rawMailID: Int64?, at now: Date = Date()) async throws(StoreError) {
    try await writeCases { db in
      try Store.requireCase(db, caseID)
      try Store.saveAgreement(db, caseID: caseID, agreement: agreement, changes: changes, source: source, rawMailID: rawMailID, at: now)
      if changes.contains(where: { $0.field == .fixDue }) {
        try db.execute(cached: "UPDATE case_file SET fix_due = ? WHERE id = ?", arguments: [agreement.fixDue, caseID.description])
      }
      if changes.contains(where: { $0.field == .disclosureDate }), let date = agreement.disclosureDate {
        try db.execute(cached: "UPDATE case_file SET disclosure_proposed = ? WHERE id = ?", arguments: [date, caseID.description])
      }
    }
  }

  public func agreementChanges(caseID: CaseID) async throws(StoreError) -> [RecordedAgreementChange] {
    try await readCases { db in
      try Row.fetchAll(db, cached: "SELECT * FROM agreement_change WHERE case_id = ? ORDER BY id", arguments: [caseID.description]).map {
        RecordedAgreementChange(at: $0["at"], source: $0["source"],
                                change: AgreementChange(field: AgreementChange.Field(rawValue: $0["field"]) ?? .accepted,
                                                        from: $0["old_value"], to: $0["new_value"]))
      }
    }
  }

  /// An earlier open case from the same reporter about one of the same assets with a similar title.
  public func possibleDuplicate(reporterAddress: String, assets: [String], title: String) async throws(StoreError) -> CaseID? {
    try await readCases { db in try Store.possibleDuplicate(db, reporterAddress: reporterAddress, assets: assets, title: title) }
  }

  /// `possibleDuplicate` inside a transaction that is already open (`openCase` looks as it
  /// opens the case, so two reports in a row are compared in order).
  static func possibleDuplicate(_ db: Database, reporterAddress: String, assets: [String], title: String) throws -> CaseID? {
    let wanted = try json(assets.map { $0.lowercased() })
    // The reporter's most recent open cases (a bounded number, so a mail costs the same
    // however many cases the reporter has), those about one of the same assets, or, for a
    // report that names none, those that name none. SQLite matches the assets.
    let candidates = try Row.fetchAll(db, cached: """
      SELECT id, title FROM (
        SELECT id, title, assets, year, number FROM case_file
        WHERE reporter_address = ? COLLATE NOCASE AND state NOT IN ('rejected', 'closed')
        ORDER BY year DESC, number DESC LIMIT \(duplicateCandidates)) AS c
      WHERE EXISTS (SELECT 1 FROM json_each(c.assets) AS theirs, json_each(?) AS ours WHERE lower(theirs.value) = ours.value)
         OR (json_array_length(?) = 0 AND json_array_length(c.assets) = 0)
      ORDER BY year DESC, number DESC
      """, arguments: [reporterAddress, wanted, wanted])
    let words = TitleSimilarity.words(title)
    return candidates.first { TitleSimilarity.similar(title, words: words, $0["title"]) }.flatMap { CaseID($0["id"] as String) }
  }

  static let duplicateCandidates = 100

  // MARK: Plumbing

  static func saveAgreement(_ db: Database, caseID: CaseID, agreement: Agreement, changes: [AgreementChange], source: String,
                            rawMailID: Int64?, at now: Date) throws {
    try db.execute(cached: "UPDATE case_file SET agreement = ? WHERE id = ?", arguments: [try json(agreement), caseID.description])
    for change in changes {
      try db.execute(cached: """
        INSERT INTO agreement_change (case_id, at, source, field, old_value, new_value, raw_mail_id) VALUES (?, ?, ?, ?, ?, ?, ?)
        """, arguments: [caseID.description, now, source, change.field.rawValue, change.from, change.to, rawMailID])
      try audit(db, caseID: caseID, rawMailID: rawMailID, actor: source, action: "agreement.changed",
                detail: "\(change.field.rawValue): \(change.from ?? "unset") → \(change.to ?? "unset")")
    }
  }

  static func requireCase(_ db: Database, _ caseID: CaseID) throws {
    guard try Bool.fetchOne(db, cached: "SELECT 1 FROM case_file WHERE id = ?", arguments: [caseID.description]) == true else {
      throw StoreError.notFound("Case \(caseID)")
    }
  }

  static func followUp(_ row: Row) throws -> FollowUp {
    FollowUp(id: row["id"], caseID: CaseID(row["case_id"] as String) ?? CaseID(year: 0, number: 0), rawMailID: row["raw_mail_id"],
             receivedAt: row["received_at"], verdict: try decode(Verdict.self, row["verdict"]), signer: row["signer"],
             keywords: try decode([String].self, row["keywords"]), applied: row["applied"], possibleImpersonation: row["impersonation"],
             text: row["text"], sender: row["sender"], refusedKeywords: try decode([String].self, row["refused"]))
  }

  func writeCases<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
    do { return try await writerForExtensions.write(body) } catch let error as StoreError { throw error } catch {
      throw .database(detail: Store.describe(error))
    }
  }

  func readCases<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
    do { return try await writerForExtensions.read(body) } catch let error as StoreError { throw error } catch {
      throw .database(detail: Store.describe(error))
    }
  }
}

/// Whether two report titles are about the same thing: most of their words are shared.
enum TitleSimilarity {
  static func similar(_ a: String, _ b: String) -> Bool { similar(a, words: words(a), b) }

  /// `wordsA` is `words(a)`: one new title is compared with many.
  static func similar(_ a: String, words wordsA: Set<String>, _ b: String) -> Bool {
    let wordsB = words(b)
    guard !wordsA.isEmpty, !wordsB.isEmpty else { return a.lowercased() == b.lowercased() }
    let shared = Double(wordsA.intersection(wordsB).count)
    return shared / Double(min(wordsA.count, wordsB.count)) >= 0.6
  }

  static func words(_ text: String) -> Set<String> {
    Set(text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count > 1 && !stopWords.contains($0) })
  }

  private static let stopWords: Set<String> = ["re", "fw", "fwd", "the", "a", "an", "in", "on", "of", "de", "het", "een", "van", "op", "and", "en"]
}
