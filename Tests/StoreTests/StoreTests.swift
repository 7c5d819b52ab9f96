import Cases
import Foundation
import GRDB
@testable import Store
import Testing

@Suite struct StoreTests {
  static func report(_ text: String = "report text") -> Report {
    Report(reporterAddress: "r@example.org", subject: "subject", text: text, messageID: "<m@x>", receivedAt: Date())
  }

  static func stores() throws -> [Store] {
    let path = NSTemporaryDirectory() + "mp-store-\(UUID().uuidString).sqlite"
    return [try Store(), try Store(path: path)]
  }

  @Test func theSameBytesAreStoredOnce() async throws {
    for store in try Self.stores() {
      let first = try await store.storeRawMail([1, 2, 3], sha256: "aa", messageID: "<m@x>", receivedAt: Date(), imapUID: 4)
      let again = try await store.storeRawMail([1, 2, 3], sha256: "aa", messageID: "<m@x>", receivedAt: Date(), imapUID: 5)
      #expect(first.isNew && !again.isNew)
      #expect(first.mail.id == again.mail.id)
      #expect(try await store.rawMailBytes(id: first.mail.id) == [1, 2, 3])
    }
  }

  @Test func casesAreNumberedPerYearAndOnePerMail() async throws {
    for store in try Self.stores() {
      let timeline = TimelinePolicy.ncscDefault.propose(receivedAt: Date(), severity: nil)
      let verdict = Verdict(encryption: .full, signature: .none)
      let a = try await store.storeRawMail([1], sha256: "a", messageID: nil, receivedAt: Date(), imapUID: nil).mail
      let b = try await store.storeRawMail([2], sha256: "b", messageID: nil, receivedAt: Date(), imapUID: nil).mail
      let first = try await store.createCase(rawMailID: a.id, report: Self.report(), verdict: verdict, timeline: timeline, severity: nil)
      let again = try await store.createCase(rawMailID: a.id, report: Self.report(), verdict: verdict, timeline: timeline, severity: nil)
      let second = try await store.createCase(rawMailID: b.id, report: Self.report(), verdict: verdict, timeline: timeline, severity: nil)
      #expect(first.id == again.id)
      #expect(second.id.number == first.id.number + 1)
      #expect(try await store.cases().count == 2)
      #expect(try await store.caseRecord(first.id)?.reportText == "report text")
      let actions = try await store.auditEvents(caseID: first.id).map(\.action)
      #expect(actions == ["mail.received", "case.created"])
    }
  }

  @Test func oneAcknowledgementPerCase() async throws {
    let store = try Store()
    let raw = try await store.storeRawMail([1], sha256: "a", messageID: nil, receivedAt: Date(), imapUID: nil).mail
    let made = try await store.createCase(rawMailID: raw.id, report: Self.report(), verdict: Verdict(encryption: .none, signature: .none),
                                          timeline: TimelinePolicy.ncscDefault.propose(receivedAt: Date(), severity: nil), severity: nil)
    let mail = OutgoingMail(caseID: made.id, rawMailID: raw.id, kind: .acknowledgement, sender: "s@x.org", recipient: "r@x.org",
                            messageID: "<1@x>", message: [1])
    let first = try await store.enqueue(mail)
    var second = mail
    second.messageID = "<2@x>"
    let again = try await store.enqueue(second)
    #expect(first.id == again.id)
    #expect(try await store.dueOutbox().count == 1)
    try await store.markSent(outboxID: first.id)
    #expect(try await store.dueOutbox().isEmpty)
    #expect(try await store.caseRecord(made.id)?.case.acknowledgedAt != nil)
  }

  @Test func temporaryFailuresWaitAndPermanentOnesStop() async throws {
    let store = try Store()
    let entry = try await store.enqueue(OutgoingMail(caseID: nil, rawMailID: nil, kind: .notice, sender: "s@x.org",
                                                     recipient: "r@x.org", messageID: "<n@x>", message: [1]))
    try await store.markAttemptFailed(outboxID: entry.id, error: "451", retryAt: Date().addingTimeInterval(60))
    #expect(try await store.dueOutbox().isEmpty)
    #expect(try await store.dueOutbox(now: Date().addingTimeInterval(120)).count == 1)
    try await store.markAttemptFailed(outboxID: entry.id, error: "550", retryAt: nil)
    #expect(try await store.dueOutbox(now: Date().addingTimeInterval(1e6)).isEmpty)
    #expect(try await store.outbox().first?.state == .failed)
  }

  @Test func quarantineKeepsTheReasonAndTheMailState() async throws {
    let store = try Store()
    let raw = try await store.storeRawMail([9], sha256: "q", messageID: nil, receivedAt: Date(), imapUID: 1).mail
    try await store.quarantine(rawMailID: raw.id, imapUID: 1, reason: "noSecretKey", detail: "no key")
    try await store.markFiled(rawMailID: raw.id, folder: "Quarantine")
    #expect(try await store.rawMail(id: raw.id)?.state == .quarantined)
    #expect(try await store.quarantined().map(\.reason) == ["noSecretKey"])
  }

  /// A cached statement must not keep the last mail or report text it carried in memory.
  @Test func cachedStatementsLetGoOfTheirValues() throws {
    let database = try DatabaseQueue()
    let sql = "INSERT INTO mail (bytes) VALUES (?)"
    try database.write { db in
      try db.execute(sql: "CREATE TABLE mail (bytes BLOB NOT NULL)")
      // A statement that failed (here a constraint; a full disk in OutageTests) is usable again.
      #expect(throws: DatabaseError.self) { try db.execute(cached: sql, arguments: [nil as Data?]) }
      try db.execute(cached: sql, arguments: [Data(repeating: 7, count: 1 << 20)])
      #expect(try db.cachedStatement(sql: sql).arguments.isEmpty)
      _ = try Data.fetchOne(db, cached: "SELECT bytes FROM mail WHERE length(bytes) = ?", arguments: [1 << 20])
      #expect(try db.cachedStatement(sql: "SELECT bytes FROM mail WHERE length(bytes) = ?").arguments.isEmpty)
      try db.execute(cached: sql, arguments: [Data([1])])
      #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mail") == 2)
    }
  }

  @Test func aNewDatabaseFileIsPrivate() throws {
    let path = NSTemporaryDirectory() + "mp-mode-\(UUID().uuidString).sqlite"
    _ = try Store(path: path)
    let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    #expect(mode & 0o077 == 0)
  }

  /// A new report is a possible duplicate of the same reporter's open case about a shared
  /// asset with a similar title; not of another reporter's, nor of a closed one.
  @Test func possibleDuplicatesAreTheReportersOwnOpenCases() async throws {
    let store = try Store()
    let timeline = TimelinePolicy.ncscDefault.propose(receivedAt: Date(), severity: nil)
    func open(_ n: UInt8, from address: String, title: String, assets: [String]) async throws -> Case {
      let (raw, _) = try await store.storeRawMail([n], sha256: "h\(n)", messageID: nil, receivedAt: Date(), imapUID: nil)
      let report = Report(reporterAddress: address, subject: title, text: "t", messageID: nil, receivedAt: Date())
      return try await store.createCase(rawMailID: raw.id, report: report, verdict: Verdict(encryption: .full, signature: .none),
                                        timeline: timeline, severity: nil, details: CaseDetails(assets: assets))
    }
    let earlier = try await open(1, from: "Rita@Reporter.example", title: "SQL injection in login form", assets: ["https://app.example.org/login"])
    _ = try await open(2, from: "other@reporter.example", title: "SQL injection in login form", assets: ["https://app.example.org/login"])
    _ = try await open(3, from: "rita@reporter.example", title: "Weak TLS ciphers", assets: ["mail.example.org"])

    let asset = ["HTTPS://app.example.org/login"]
    #expect(try await store.possibleDuplicate(reporterAddress: "rita@reporter.example", assets: asset,
                                              title: "SQL injection in the login form") == earlier.id)
    #expect(try await store.possibleDuplicate(reporterAddress: "rita@reporter.example", assets: asset, title: "Stored XSS in profile") == nil)
    #expect(try await store.possibleDuplicate(reporterAddress: "someone@else.example", assets: asset,
                                              title: "SQL injection in login form") == nil)
    _ = try await store.update(earlier.id, Store.CaseUpdate(state: .triaged), actor: "test")
    _ = try await store.update(earlier.id, Store.CaseUpdate(state: .rejected), actor: "test")
    #expect(try await store.possibleDuplicate(reporterAddress: "rita@reporter.example", assets: asset,
                                              title: "SQL injection in login form") == nil)
  }

  /// Opening a case looks for a possible duplicate and records the signer's key in the
  /// case's own transaction; a second key for the address comes back as a conflict, once.
  @Test func openingACaseFlagsDuplicatesAndRecordsTheSignersKey() async throws {
    let store = try Store()
    let timeline = TimelinePolicy.ncscDefault.propose(receivedAt: Date(), severity: nil)
    func open(_ n: UInt8, title: String, key: String) async throws -> Store.OpenedCase {
      let raw = try await store.storeRawMail([n], sha256: "k\(n)", messageID: nil, receivedAt: Date(), imapUID: nil).mail
      let report = Report(reporterAddress: "Rita@Reporter.example", subject: title, text: "t", messageID: nil, receivedAt: Date())
      return try await store.openCase(rawMailID: raw.id, report: report, verdict: Verdict(encryption: .full, signature: .none),
                                      timeline: timeline, severity: nil, details: CaseDetails(assets: ["https://app.example.org/login"]),
                                      trust: Store.CaseTrust(signerKey: Store.SignerKey(fingerprint: key, source: .attachment)))
    }
    let first = try await open(1, title: "SQL injection in login form", key: "AAAA")
    #expect(first.case.possibleDuplicateOf == nil)
    #expect(first.otherReporterKeys.isEmpty)
    let second = try await open(2, title: "SQL injection in the login form", key: "AAAA")
    #expect(second.case.possibleDuplicateOf == first.case.id)
    #expect(try await store.caseRecord(second.case.id)?.case.possibleDuplicateOf == first.case.id)
    #expect(second.otherReporterKeys.isEmpty)
    let third = try await open(3, title: "Weak TLS ciphers", key: "BBBB")
    #expect(third.case.possibleDuplicateOf == nil)
    #expect(third.otherReporterKeys == ["AAAA"])
    let keys = try await store.reporterKeys()
    #expect(keys.map(\.fingerprint).sorted() == ["AAAA", "BBBB"])
    #expect(keys.allSatisfy { $0.address == "rita@reporter.example" && $0.source == .attachment })
    #expect(try await store.keyEvents().filter { $0.action == "conflict" }.map(\.fingerprint) == ["BBBB"])
    // After a restart the same mail finds its case; nothing is recorded twice.
    let thirdRaw = try #require(try await store.caseRecord(third.case.id)).rawMailID
    let again = try await store.openCase(rawMailID: thirdRaw, report: Report(
      reporterAddress: "rita@reporter.example", subject: "x", text: "t", messageID: nil, receivedAt: Date()),
      verdict: Verdict(encryption: .full, signature: .none), timeline: timeline, severity: nil, trust: Store.CaseTrust(signerKey: Store.SignerKey(fingerprint: "CCCC", source: .admin)))
    #expect(again.case.id == third.case.id)
    #expect(again.otherReporterKeys.isEmpty)
    #expect(try await store.reporterKeys().count == 2)
    // The duplicate search is a hint: an asset list broken by hand does not stop a case from opening.
    try await store.writerForExtensions.write { db in try db.execute(sql: "UPDATE case_file SET assets = '[not json'") }
    await #expect(throws: StoreError.self) {
      try await store.possibleDuplicate(reporterAddress: "rita@reporter.example", assets: ["x"], title: "Weak TLS ciphers")
    }
    let fourth = try await open(4, title: "Weak TLS ciphers", key: "BBBB")
    #expect(fourth.case.possibleDuplicateOf == nil)
    #expect(try await store.caseRecord(fourth.case.id) != nil)
  }

  /// Before mails leave the inbox the gateway makes its commits durable: they are then in
  /// the database file itself, not only in the write-ahead log (which NORMAL sync mode
  /// leaves unsynced until a checkpoint).
  @Test("A database from before v6 keeps its mails' bytes, now in raw_mail_content, and raw_mail rows no longer carry them")
  func mailBytesMoveToTheirOwnTable() async throws {
    let path = NSTemporaryDirectory() + "mp-store-\(UUID().uuidString).sqlite"
    let old = try DatabaseQueue(path: path)
    try Migrations.migrator.migrate(old, upTo: "v5 indexes for the lookups every mail makes")
    try await old.write { db in
      try db.execute(sql: """
        INSERT INTO raw_mail (sha256, message_id, size, received_at, imap_uid, state, bytes)
        VALUES ('b1', NULL, 4, '2026-01-01 00:00:00.000', 7, 'cased', x'00ff0a0d')
        """)
    }
    try old.close()
    let store = try Store(path: path)
    #expect(try await store.rawMailBytes(id: 1) == [0x00, 0xFF, 0x0A, 0x0D])
    #expect(try await store.rawMail(id: 1)?.state == .cased)
    let columns = try await DatabaseQueue(path: path).read { db in try db.columns(in: "raw_mail").map(\.name) }
    #expect(!columns.contains("bytes") && columns.contains("state"))
    // New mails go the same way.
    let stored = try await store.storeRawMail([9, 8], sha256: "b2", messageID: nil, receivedAt: Date(), imapUID: 8).mail
    #expect(try await store.rawMailBytes(id: stored.id) == [9, 8])
  }

  @Test func makeDurableCheckpointsTheWriteAheadLog() async throws {
    let path = NSTemporaryDirectory() + "mp-store-\(UUID().uuidString).sqlite"
    let store = try Store(path: path)
    let stored = try await store.storeRawMail([1, 2, 3], sha256: "d1", messageID: nil, receivedAt: Date(), imapUID: 1).mail
    func mainFileOnly() throws -> Store {
      let copy = NSTemporaryDirectory() + "mp-store-\(UUID().uuidString).sqlite"
      try FileManager.default.copyItem(atPath: path, toPath: copy)
      return try Store(path: copy)
    }
    #expect(try await mainFileOnly().rawMail(id: stored.id) == nil)
    try await store.makeDurable()
    #expect(try await mainFileOnly().rawMail(id: stored.id)?.sha256 == "d1")
  }
}
