import Cases
import Foundation
import GRDB

/// The gateway's SQLite database: raw mails, cases, the audit log, the outbox and
/// the quarantine. All SQL lives in this module, behind these methods, so another
/// backend can take its place without touching the pipeline.
///
/// Every method is one transaction: the pipeline commits each step before the next.
public final class Store: Sendable {
  private let writer: any DatabaseWriter
  var writerForExtensions: any DatabaseWriter { writer }
  /// Whether decrypted report text is kept in the database (`database.storeReportText`).
  public let keepsReportText: Bool

  /// Opens (creating with mode 0600 if needed) and migrates the database at `path`.
  public init(path: String, keepReportText: Bool = true) throws(StoreError) {
    let fm = FileManager.default
    if !fm.fileExists(atPath: path) {
      let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
      if fd < 0 { throw .cannotOpen(path: path, detail: String(cString: strerror(errno))) }
      close(fd)
    }
    do {
      var configuration = Configuration()
      configuration.busyMode = .timeout(10)
      // Memory stays flat however large the database grows: SQLite keeps up to 2 MiB of
      // pages per connection by default, and GRDB opens up to five readers. The pipeline
      // reads little and mostly by index, so two readers with 1 MiB each do.
      configuration.maximumReaderCount = 2
      configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -1024") }
      // Tests simulate a full disk by capping the database size (SQLITE_FULL).
      if let pages = ProcessInfo.processInfo.environment["MELDPUNT_TEST_DB_MAX_PAGES"].flatMap(Int.init) {
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
      }
      writer = try DatabasePool(path: path, configuration: configuration)
      try Migrations.migrator.migrate(writer)
    } catch {
      throw .cannotOpen(path: path, detail: String(describing: error))
    }
    keepsReportText = keepReportText
  }

  /// A private in-memory database, for tests and `inspect`.
  public init(inMemory: Void = (), keepReportText: Bool = true) throws(StoreError) {
    do {
      writer = try DatabaseQueue()
      try Migrations.migrator.migrate(writer)
    } catch {
      throw .database(detail: String(describing: error))
    }
    keepsReportText = keepReportText
  }

  // MARK: Raw mail

  /// Stores a mail as received. The same bytes stored again return the first record:
  /// a restart after a crash, or a duplicate delivery, never makes a second one.
  public func storeRawMail(_ bytes: [UInt8], sha256: String, messageID: String?, receivedAt: Date,
                           imapUID: UInt32?) async throws(StoreError) -> (mail: RawMail, isNew: Bool) {
    try await write { db in
      if let existing = try Row.fetchOne(db, cached: "SELECT \(Self.rawMailColumns) FROM raw_mail WHERE sha256 = ?", arguments: [sha256]) {
        return (Self.rawMail(existing), false)
      }
      try db.execute(cached: """
        INSERT INTO raw_mail (sha256, message_id, size, received_at, imap_uid, state)
        VALUES (?, ?, ?, ?, ?, 'received')
        """, arguments: [sha256, messageID, bytes.count, receivedAt, imapUID.map { Int64($0) }])
      let id = db.lastInsertedRowID
      try db.execute(cached: "INSERT INTO raw_mail_content (raw_mail_id, bytes) VALUES (?, ?)", arguments: [id, Data(bytes)])
      try Self.audit(db, caseID: nil, rawMailID: id, actor: "gateway", action: "mail.received",
                     detail: "stored \(bytes.count) bytes, sha256 \(sha256)")
      let row = try Row.fetchOne(db, cached: "SELECT \(Self.rawMailColumns) FROM raw_mail WHERE id = ?", arguments: [id])!
      return (Self.rawMail(row), true)
    }
  }

  public func rawMailBytes(id: Int64) async throws(StoreError) -> [UInt8] {
    try await read { db in
      guard let data = try Data.fetchOne(db, cached: "SELECT bytes FROM raw_mail_content WHERE raw_mail_id = ?", arguments: [id]) else {
        throw StoreError.notFound("Raw mail \(id)")
      }
      return [UInt8](data)
    }
  }

  public func rawMail(id: Int64) async throws(StoreError) -> RawMail? {
    try await read { db in try Row.fetchOne(db, cached: "SELECT \(Self.rawMailColumns) FROM raw_mail WHERE id = ?", arguments: [id]).map(Self.rawMail) }
  }

  /// Records that these mails are about to be moved to `folder` (one transaction), so a
  /// crash between the move and `markFiled` can be recognised and completed after a restart.
  public func markMoving(rawMailIDs: [Int64], folder: String) async throws(StoreError) {
    try await write { db in
      for id in rawMailIDs {
        try db.execute(cached: "UPDATE raw_mail SET moving_to = ? WHERE id = ?", arguments: [folder, id])
      }
    }
  }

  /// Makes every committed transaction durable on disk. In WAL mode GRDB runs SQLite with
  /// `synchronous = NORMAL`: a commit survives a crash of the process at once, but a power
  /// failure only after the write-ahead log is synced, which a checkpoint does
  /// (https://www.sqlite.org/pragma.html#pragma_synchronous). Called before mails leave the
  /// inbox, so that what the server forgets is never only in the page cache.
  public func makeDurable() async throws(StoreError) {
    do {
      try await writer.writeWithoutTransaction { db in
        _ = try Row.fetchOne(db, cached: "PRAGMA wal_checkpoint(PASSIVE)")
      }
    } catch {
      throw .database(detail: Self.describe(error))
    }
  }

  /// Mails whose move was started but not recorded: (raw mail id, IMAP UID, folder).
  public func unfinishedMoves() async throws(StoreError) -> [(id: Int64, uid: UInt32?, folder: String)] {
    try await read { db in
      try Row.fetchAll(db, cached: "SELECT id, imap_uid, moving_to FROM raw_mail WHERE moving_to IS NOT NULL").map {
        (id: $0["id"], uid: ($0["imap_uid"] as Int64?).map { UInt32(truncatingIfNeeded: $0) }, folder: $0["moving_to"])
      }
    }
  }

  /// Records that the mail left the inbox.
  public func markFiled(rawMailID: Int64, folder: String) async throws(StoreError) {
    try await markFiled(rawMailIDs: [rawMailID], folder: folder)
  }

  /// `markFiled` for several mails that moved together, in one transaction.
  public func markFiled(rawMailIDs: [Int64], folder: String) async throws(StoreError) {
    try await write { db in
      for rawMailID in rawMailIDs {
        try db.execute(cached: "UPDATE raw_mail SET moving_to = NULL WHERE id = ?", arguments: [rawMailID])
        // A quarantined mail stays quarantined: filing only completes a case.
        try db.execute(cached: "UPDATE raw_mail SET state = 'filed' WHERE id = ? AND state = 'cased'", arguments: [rawMailID])
        try Self.audit(db, caseID: try Self.caseID(db, rawMailID: rawMailID), rawMailID: rawMailID, actor: "gateway",
                       action: "mail.filed", detail: "moved to \(folder)")
      }
    }
  }

  // MARK: Cases

  /// Creates the case for a raw mail, with the next number of the year, in one
  /// transaction with its audit event. Returns the existing case if there is one.
  public func createCase(rawMailID: Int64, report: Report, verdict: Verdict, timeline: Timeline,
                         severity: Severity?, details: CaseDetails = CaseDetails()) async throws(StoreError) -> Case {
    try await openCase(rawMailID: rawMailID, report: report, verdict: verdict, timeline: timeline, severity: severity,
                       details: details).case
  }

  /// The key whose valid signature is on a new report, recorded for the reporter's address.
  public struct SignerKey: Sendable, Equatable {
    public let fingerprint: String
    public let source: ReporterKey.Source
    public init(fingerprint: String, source: ReporterKey.Source) {
      self.fingerprint = fingerprint
      self.source = source
    }
  }

  /// What a new case records about whom its mail came from (issue 18).
  public struct CaseTrust: Sendable, Equatable {
    /// The key that speaks for the sender (valid signature, user ID for From, not another
    /// key than the one pinned to the address): pinned to the case and the address.
    public var signerKey: SignerKey?
    /// A signer the gateway had no key for, waited for (`casesAwaiting`).
    public var awaitedSigner: String?
    /// A case the mail named although its sender is not that case's reporter.
    public var claimedCaseID: CaseID?
    /// `EncryptedMessage.identity` of each encrypted message in the mail.
    public var ciphertexts: [String]
    /// The gateway's notes for the team on the new case (keys refused, a claimed case …),
    /// written with the case so that a crash cannot keep the case and lose them.
    public var notes: [String]

    public init(signerKey: SignerKey? = nil, awaitedSigner: String? = nil, claimedCaseID: CaseID? = nil, ciphertexts: [String] = [],
                notes: [String] = []) {
      self.signerKey = signerKey
      self.awaitedSigner = awaitedSigner
      self.claimedCaseID = claimedCaseID
      self.ciphertexts = ciphertexts
      self.notes = notes
    }
  }

  /// A case as `openCase` left it.
  public struct OpenedCase: Sendable {
    public let `case`: Case
    /// Other keys already known for the reporter's address when `signerKey` was recorded:
    /// a conflict an admin must look at. Empty when there are none, and for a case that
    /// existed already.
    public let otherReporterKeys: [String]
  }

  /// `createCase` that also looks for a possible duplicate among the reporter's open cases
  /// and records the key that signed the report, all in the case's one transaction: the
  /// pass commits one case after the other, and each step of its own would wait its turn
  /// for the database again.
  public func openCase(rawMailID: Int64, report: Report, verdict: Verdict, timeline: Timeline, severity: Severity?,
                       details: CaseDetails = CaseDetails(), trust: CaseTrust = CaseTrust()) async throws(StoreError) -> OpenedCase {
    let keepText = keepsReportText
    return try await write { db in
      if let existing = try Row.fetchOne(db, cached: "SELECT * FROM case_file WHERE raw_mail_id = ?", arguments: [rawMailID]) {
        return OpenedCase(case: try Self.caseRecord(existing).case, otherReporterKeys: [])
      }
      // Both are hints for the team, as they were when each had its own transaction: a failed
      // statement (an asset list an admin broke by hand, say) never stops the case from opening.
      let duplicate = (try? Self.possibleDuplicate(db, reporterAddress: report.reporterAddress, assets: details.assets,
                                                   title: report.subject)) ?? nil
      var copyOf: CaseID?
      for identity in trust.ciphertexts where copyOf == nil {
        copyOf = try String.fetchOne(db, cached: "SELECT case_id FROM case_ciphertext WHERE identity = ?", arguments: [identity])
          .flatMap(CaseID.init)
      }
      let year = TimelinePolicy.year(of: report.receivedAt)
      let number = (try Int.fetchOne(db, cached: "SELECT MAX(number) FROM case_file WHERE year = ?", arguments: [year]) ?? 0) + 1
      let id = CaseID(year: year, number: number)
      // Only a key that speaks for the sender is pinned (issue 18, point 3).
      let signer = trust.signerKey?.fingerprint
      var made = Case(id: id, title: report.subject, severity: severity, reporterAddress: report.reporterAddress,
                      reporterName: report.reporterName, reporterFingerprint: signer, timeline: timeline,
                      verdict: verdict, messageID: report.messageID, attachments: report.attachments)
      made.assets = details.assets
      made.scope = details.scope
      made.cweIDs = details.cweIDs
      made.cveIDs = details.cveIDs
      made.cvssVectors = details.cvssVectors
      made.language = details.language
      made.possibleDuplicateOf = duplicate
      made.awaitedSigner = signer == nil ? trust.awaitedSigner : nil
      made.claimedCaseID = trust.claimedCaseID
      made.copyOf = copyOf
      try db.execute(cached: """
        INSERT INTO case_file (id, year, number, raw_mail_id, state, title, severity, reporter_address, reporter_name,
          reporter_fingerprint, message_id, received_at, triage_due, fix_due, disclosure_proposed, verdict, attachments, report_text)
        VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [
          id.description, year, number, rawMailID, made.title, severity?.rawValue, made.reporterAddress,
          made.reporterName, signer, made.messageID, timeline.receivedAt, timeline.triageDue, timeline.fixDue,
          timeline.proposedDisclosure, try Self.json(verdict), try Self.json(report.attachments),
          keepText ? report.text : nil,
        ])
      try db.execute(cached: """
        UPDATE case_file SET assets = ?, scope = ?, cwe = ?, cve = ?, cvss = ?, fields = ?, language = ?, duplicate_of = ?,
          awaited_signer = ?, claimed_case = ?, copy_of = ?
        WHERE id = ?
        """, arguments: [try Self.json(details.assets), details.scope.rawValue, try Self.json(details.cweIDs),
                         try Self.json(details.cveIDs), try Self.json(details.cvssVectors), keepText ? details.fieldsJSON : nil,
                         details.language, duplicate?.description, made.awaitedSigner, made.claimedCaseID?.description,
                         copyOf?.description, id.description])
      for identity in trust.ciphertexts {
        try db.execute(cached: "INSERT OR IGNORE INTO case_ciphertext (identity, case_id) VALUES (?, ?)", arguments: [identity, id.description])
      }
      if let messageID = report.messageID {
        try db.execute(cached: "INSERT OR IGNORE INTO case_message (message_id, case_id) VALUES (?, ?)", arguments: [messageID, id.description])
      }
      try db.execute(cached: "UPDATE raw_mail SET state = 'cased' WHERE id = ?", arguments: [rawMailID])
      try Self.audit(db, caseID: id, rawMailID: rawMailID, actor: "gateway", action: "case.created",
                     detail: "encryption \(verdict.encryption.name), signature \(verdict.signature.name)")
      if let claimed = trust.claimedCaseID {
        try Self.audit(db, caseID: id, rawMailID: rawMailID, actor: "gateway", action: "case.claimsOther",
                       detail: "the mail names \(claimed), whose reporter it does not come from; the team can merge it")
      }
      var notes = trust.notes
      if let copyOf {
        try Self.audit(db, caseID: id, rawMailID: rawMailID, actor: "gateway", action: "case.copyOf",
                       detail: "the mail carries the encrypted message of \(copyOf) again")
        notes.append("The mail carries the same encrypted message as case \(copyOf): someone re-sent that report.")
      }
      for note in notes { _ = try Self.addNote(db, caseID: id, actor: "gateway", text: note, at: Date()) }
      let others = trust.signerKey.flatMap {
        try? Self.recordReporterKey(db, $0.fingerprint, address: report.reporterAddress, source: $0.source, at: Date(), pin: true)
      }
      return OpenedCase(case: made, otherReporterKeys: others ?? [])
    }
  }

  public func caseRecord(forRawMail rawMailID: Int64) async throws(StoreError) -> CaseRecord? {
    try await read { db in
      try Row.fetchOne(db, cached: "SELECT * FROM case_file WHERE raw_mail_id = ?", arguments: [rawMailID]).map(Self.caseRecord)
    }
  }

  public func caseRecord(_ id: CaseID) async throws(StoreError) -> CaseRecord? {
    try await read { db in
      try Row.fetchOne(db, cached: "SELECT * FROM case_file WHERE id = ?", arguments: [id.description]).map(Self.caseRecord)
    }
  }

  /// Cases, oldest first, optionally only those in `state` and of `severity`.
  public func cases(state: CaseState? = nil, severity: Severity? = nil) async throws(StoreError) -> [Case] {
    try await read { db in
      let rows: [Row]
      if let state {
        rows = try Row.fetchAll(db, cached: "SELECT * FROM case_file WHERE state = ? ORDER BY year, number", arguments: [state.rawValue])
      } else {
        rows = try Row.fetchAll(db, cached: "SELECT * FROM case_file ORDER BY year, number")
      }
      return try rows.map { try Self.caseRecord($0).case }.filter { severity == nil || $0.severity == severity }
    }
  }

  public func auditEvents(caseID: CaseID) async throws(StoreError) -> [AuditEvent] {
    try await read { db in
      try Row.fetchAll(db, cached: """
        SELECT * FROM audit_event WHERE case_id = ?
           OR raw_mail_id = (SELECT raw_mail_id FROM case_file WHERE id = ?) ORDER BY id
        """, arguments: [caseID.description, caseID.description]).map(Self.auditEvent)
    }
  }

  public func allAuditEvents() async throws(StoreError) -> [AuditEvent] {
    try await read { db in try Row.fetchAll(db, cached: "SELECT * FROM audit_event ORDER BY id").map(Self.auditEvent) }
  }

  // MARK: Outbox

  /// Queues a signed mail. An acknowledgement for a case that already has one
  /// returns the existing entry instead: one acknowledgement per case.
  /// `held` keeps the mail for an admin (`outbox retry` releases it), e.g. over a rate limit.
  public func enqueue(_ mail: OutgoingMail, held: Bool = false, at now: Date = Date()) async throws(StoreError) -> OutboxEntry {
    try await write { db in
      if mail.kind == .acknowledgement, let caseID = mail.caseID,
         let existing = try Row.fetchOne(db, cached: "SELECT * FROM outbox WHERE case_id = ? AND kind = 'acknowledgement'",
                                         arguments: [caseID.description]) {
        return Self.outboxEntry(existing)
      }
      // One "could not read" notice per mail.
      if mail.kind == .notice, let rawMailID = mail.rawMailID,
         let existing = try Row.fetchOne(db, cached: "SELECT * FROM outbox WHERE raw_mail_id = ? AND kind = 'notice'", arguments: [rawMailID]) {
        return Self.outboxEntry(existing)
      }
      try db.execute(cached: """
        INSERT INTO outbox (case_id, raw_mail_id, kind, sender, recipient, message_id, message, state, created_at, next_attempt_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [mail.caseID?.description, mail.rawMailID, mail.kind.rawValue, mail.sender, mail.recipient,
                         mail.messageID, Data(mail.message), held ? "held" : "pending", now, now])
      let id = db.lastInsertedRowID
      if let caseID = mail.caseID {
        try db.execute(cached: "INSERT OR IGNORE INTO case_message (message_id, case_id) VALUES (?, ?)", arguments: [mail.messageID, caseID.description])
      }
      try Self.audit(db, caseID: mail.caseID, rawMailID: mail.rawMailID, actor: "gateway",
                     action: "\(mail.kind.rawValue).\(held ? "held" : "queued")",
                     detail: "outbox \(id), Message-ID \(mail.messageID)\(held ? ", held for an admin (rate limit)" : "")")
      return Self.outboxEntry(try Row.fetchOne(db, cached: "SELECT * FROM outbox WHERE id = ?", arguments: [id])!)
    }
  }

  /// How many mails went (or wait to go) to `recipient` since `since`: for the per-sender rate limit.
  public func mailCount(to recipient: String, since: Date) async throws(StoreError) -> Int {
    try await read { db in
      try Int.fetchOne(db, cached: "SELECT COUNT(*) FROM outbox WHERE lower(recipient) = lower(?) AND created_at >= ?",
                       arguments: [recipient, since]) ?? 0
    }
  }

  /// Makes a held or failed entry due again now (`meldpunt outbox retry`).
  public func release(outboxID: Int64, actor: String, at now: Date = Date()) async throws(StoreError) -> OutboxEntry {
    try await write { db in
      guard let row = try Row.fetchOne(db, cached: "SELECT * FROM outbox WHERE id = ?", arguments: [outboxID]) else {
        throw StoreError.notFound("Outbox entry \(outboxID)")
      }
      let entry = Self.outboxEntry(row)
      guard entry.state != .sent else { return entry }
      try db.execute(cached: "UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE id = ?", arguments: [now, outboxID])
      try Self.audit(db, caseID: entry.caseID, rawMailID: entry.rawMailID, actor: actor, action: "\(entry.kind.rawValue).released",
                     detail: "outbox \(outboxID) was \(entry.state.rawValue)")
      return Self.outboxEntry(try Row.fetchOne(db, cached: "SELECT * FROM outbox WHERE id = ?", arguments: [outboxID])!)
    }
  }

  /// Entries due for sending now.
  public func dueOutbox(now: Date = Date()) async throws(StoreError) -> [OutboxEntry] {
    try await read { db in
      try Row.fetchAll(db, cached: """
        SELECT * FROM outbox WHERE state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id
        """, arguments: [now]).map(Self.outboxEntry)
    }
  }

  public func outbox(caseID: CaseID? = nil) async throws(StoreError) -> [OutboxEntry] {
    try await read { db in
      if let caseID {
        return try Row.fetchAll(db, cached: "SELECT * FROM outbox WHERE case_id = ? ORDER BY id", arguments: [caseID.description]).map(Self.outboxEntry)
      }
      return try Row.fetchAll(db, cached: "SELECT * FROM outbox ORDER BY id").map(Self.outboxEntry)
    }
  }

  public func markSent(outboxID: Int64, at now: Date = Date()) async throws(StoreError) {
    try await write { db in
      try db.execute(cached: "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                     arguments: [now, outboxID])
      guard let row = try Row.fetchOne(db, cached: "SELECT case_id, raw_mail_id, kind FROM outbox WHERE id = ?", arguments: [outboxID]) else { return }
      let caseID: String? = row["case_id"]
      let kind: String = row["kind"]
      if kind == OutboxEntry.Kind.acknowledgement.rawValue, let caseID {
        try db.execute(cached: "UPDATE case_file SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL", arguments: [now, caseID])
      }
      try Self.audit(db, caseID: caseID.flatMap(CaseID.init), rawMailID: row["raw_mail_id"], actor: "gateway",
                     action: "\(kind).sent", detail: "outbox \(outboxID)")
    }
  }

  /// Records a failed attempt: `retryAt` nil means permanent (5xx), the entry stops.
  public func markAttemptFailed(outboxID: Int64, error: String, retryAt: Date?) async throws(StoreError) {
    try await write { db in
      try db.execute(cached: """
        UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, state = ? WHERE id = ?
        """, arguments: [error, retryAt, retryAt == nil ? "failed" : "pending", outboxID])
    }
  }

  // MARK: Quarantine

  /// Puts a mail in quarantine with the reason an admin reads (no content from the mail).
  @discardableResult
  public func quarantine(rawMailID: Int64?, imapUID: UInt32?, reason: String, detail: String,
                         at now: Date = Date()) async throws(StoreError) -> QuarantineEntry {
    try await write { db in
      if let rawMailID, let existing = try Row.fetchOne(db, cached: "SELECT * FROM quarantine WHERE raw_mail_id = ?", arguments: [rawMailID]) {
        return Self.quarantineEntry(existing)
      }
      try db.execute(cached: """
        INSERT INTO quarantine (raw_mail_id, imap_uid, reason, detail, quarantined_at) VALUES (?, ?, ?, ?, ?)
        """, arguments: [rawMailID, imapUID.map { Int64($0) }, reason, detail, now])
      let id = db.lastInsertedRowID
      if let rawMailID {
        try db.execute(cached: "UPDATE raw_mail SET state = 'quarantined' WHERE id = ?", arguments: [rawMailID])
      }
      try Self.audit(db, caseID: nil, rawMailID: rawMailID, actor: "gateway", action: "mail.quarantined", detail: reason)
      return Self.quarantineEntry(try Row.fetchOne(db, cached: "SELECT * FROM quarantine WHERE id = ?", arguments: [id])!)
    }
  }

  public func quarantined(includeReleased: Bool = false) async throws(StoreError) -> [QuarantineEntry] {
    try await read { db in
      try Row.fetchAll(db, cached: "SELECT * FROM quarantine \(includeReleased ? "" : "WHERE released = 0") ORDER BY id")
        .map(Self.quarantineEntry)
    }
  }

  // MARK: Plumbing

  private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
    do { return try await writer.write(body) } catch let error as StoreError { throw error } catch {
      throw .database(detail: Self.describe(error))
    }
  }

  private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
    do { return try await writer.read(body) } catch let error as StoreError { throw error } catch {
      throw .database(detail: Self.describe(error))
    }
  }

  /// GRDB's message without bound values (they may hold report content).
  static func describe(_ error: any Error) -> String {
    if let error = error as? DatabaseError { return "\(error.resultCode): \(error.message ?? "")" }
    return String(describing: error)
  }

  static func audit(_ db: Database, caseID: CaseID?, rawMailID: Int64?, actor: String, action: String, detail: String) throws {
    try db.execute(cached: "INSERT INTO audit_event (case_id, raw_mail_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
                   arguments: [caseID?.description, rawMailID, Date(), actor, action, detail])
  }

  static func caseID(_ db: Database, rawMailID: Int64) throws -> CaseID? {
    try String.fetchOne(db, cached: "SELECT id FROM case_file WHERE raw_mail_id = ?", arguments: [rawMailID]).flatMap(CaseID.init)
  }

  static func json<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try decoder.decode(type, from: Data(text.utf8))
  }

  /// Every column of `raw_mail` but the mail itself: reading a record must not copy the
  /// (up to 50 MB) message out of the database.
  static let rawMailColumns = "id, sha256, message_id, size, received_at, imap_uid, state"

  static func rawMail(_ row: Row) -> RawMail {
    RawMail(id: row["id"], sha256: row["sha256"], messageID: row["message_id"], size: row["size"],
            receivedAt: row["received_at"], imapUID: (row["imap_uid"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
            state: RawMail.State(rawValue: row["state"]) ?? .received)
  }

  static func caseRecord(_ row: Row) throws -> CaseRecord {
    let timeline = Timeline(receivedAt: row["received_at"], triageDue: row["triage_due"], fixDue: row["fix_due"],
                            proposedDisclosure: row["disclosure_proposed"])
    var made = Case(
      id: CaseID(row["id"] as String) ?? CaseID(year: row["year"], number: row["number"]),
      state: CaseState(rawValue: row["state"]) ?? .new, title: row["title"],
      severity: (row["severity"] as String?).flatMap(Severity.init(rawValue:)),
      reporterAddress: row["reporter_address"], reporterName: row["reporter_name"],
      reporterFingerprint: row["reporter_fingerprint"], timeline: timeline, acknowledgedAt: row["acknowledged_at"],
      verdict: try decode(Verdict.self, row["verdict"]), messageID: row["message_id"],
      attachments: try decode([Attachment].self, row["attachments"]))
    made.assets = try decode([String].self, row["assets"])
    made.scope = ScopeVerdict(rawValue: row["scope"]) ?? .unknown
    made.cweIDs = try decode([String].self, row["cwe"])
    made.cveIDs = try decode([String].self, row["cve"])
    made.cvssVectors = try decode([String].self, row["cvss"])
    made.language = row["language"]
    made.agreement = try (row["agreement"] as String?).map { try decode(Agreement.self, $0) }
    made.triagedAt = row["triaged_at"]
    made.fixedAt = row["fixed_at"]
    made.possibleDuplicateOf = (row["duplicate_of"] as String?).flatMap(CaseID.init)
    made.awaitedSigner = row["awaited_signer"]
    made.claimedCaseID = (row["claimed_case"] as String?).flatMap(CaseID.init)
    made.copyOf = (row["copy_of"] as String?).flatMap(CaseID.init)
    return CaseRecord(case: made, rawMailID: row["raw_mail_id"], reportText: row["report_text"], fieldsJSON: row["fields"])
  }

  static func outboxEntry(_ row: Row) -> OutboxEntry {
    OutboxEntry(id: row["id"], caseID: (row["case_id"] as String?).flatMap(CaseID.init), rawMailID: row["raw_mail_id"],
                kind: OutboxEntry.Kind(rawValue: row["kind"]) ?? .notice, sender: row["sender"], recipient: row["recipient"],
                messageID: row["message_id"], message: [UInt8](row["message"] as Data), state: OutboxEntry.State(rawValue: row["state"]) ?? .pending,
                attempts: row["attempts"], lastError: row["last_error"], nextAttemptAt: row["next_attempt_at"],
                createdAt: row["created_at"], sentAt: row["sent_at"])
  }

  static func quarantineEntry(_ row: Row) -> QuarantineEntry {
    QuarantineEntry(id: row["id"], rawMailID: row["raw_mail_id"], imapUID: (row["imap_uid"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
                    reason: row["reason"], detail: row["detail"], quarantinedAt: row["quarantined_at"],
                    released: (row["released"] as Int) != 0)
  }

  static func auditEvent(_ row: Row) -> AuditEvent {
    AuditEvent(id: row["id"], caseID: (row["case_id"] as String?).flatMap(CaseID.init), rawMailID: row["raw_mail_id"],
               at: row["at"], actor: row["actor"], action: row["action"], detail: row["detail"])
  }
}

extension Store {
  /// Appends an event to the audit log (for steps that change nothing else).
  public func recordEvent(caseID: CaseID?, rawMailID: Int64?, action: String, detail: String,
                          actor: String = "gateway") async throws(StoreError) {
    do {
      try await writerForExtensions.write { db in
        try Store.audit(db, caseID: caseID, rawMailID: rawMailID, actor: actor, action: action, detail: detail)
      }
    } catch { throw .database(detail: String(describing: error)) }
  }
}

extension Store {
  public func quarantineEntry(id: Int64) async throws(StoreError) -> QuarantineEntry? {
    do {
      return try await writerForExtensions.read { db in
        try Row.fetchOne(db, cached: "SELECT * FROM quarantine WHERE id = ?", arguments: [id]).map(Store.quarantineEntry)
      }
    } catch { throw .database(detail: String(describing: error)) }
  }

  /// Records the outcome of an admin's retry: released (a case now holds the mail) or still held, with the new reason.
  public func resolveQuarantine(id: Int64, released: Bool, reason: String, detail: String,
                                actor: String = "admin") async throws(StoreError) {
    do {
      try await writerForExtensions.write { db in
        guard let row = try Row.fetchOne(db, cached: "SELECT raw_mail_id FROM quarantine WHERE id = ?", arguments: [id]) else {
          throw StoreError.notFound("Quarantine entry \(id)")
        }
        try db.execute(cached: "UPDATE quarantine SET released = ?, reason = ?, detail = ? WHERE id = ?",
                       arguments: [released ? 1 : 0, reason, detail, id])
        try Store.audit(db, caseID: nil, rawMailID: row["raw_mail_id"], actor: actor,
                        action: released ? "quarantine.released" : "quarantine.retried", detail: reason)
      }
    } catch let error as StoreError { throw error } catch { throw .database(detail: String(describing: error)) }
  }
}
