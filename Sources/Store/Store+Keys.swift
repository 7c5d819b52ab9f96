import Cases
import Foundation
import GRDB

/// A reporter key the gateway has seen, and where it came from.
public struct ReporterKey: Sendable, Equatable {
  public enum Source: String, Sendable, Codable { case attachment, autocrypt, admin, wkd }
  public let fingerprint: String
  public let address: String
  public let source: Source
  public let firstSeen: Date
  public let lastSeen: Date
  /// When the key was pinned to the address (by an admin, or by a case whose first report it
  /// signed); nil for a key that was only offered.
  public var pinnedAt: Date? = nil
}

/// An event in the life of a key (generated, rotated, revoked, imported, conflict).
public struct KeyEvent: Sendable, Equatable {
  public let at: Date
  public let actor: String
  public let action: String
  public let fingerprint: String
  public let detail: String
}

extension Store {
  /// Records that `fingerprint` speaks for `address`. Returns the other fingerprints already
  /// known for that address: a second, different key is a conflict for the admin.
  @discardableResult
  public func recordReporterKey(_ fingerprint: String, address: String, source: ReporterKey.Source, pin: Bool = false,
                                at now: Date = Date()) async throws(StoreError) -> [String] {
    try await writeCases { db in try Store.recordReporterKey(db, fingerprint, address: address, source: source, at: now, pin: pin) }
  }

  /// `recordReporterKey` inside a transaction that is already open (`openCase` records the
  /// key that signed a new report together with its case).
  static func recordReporterKey(_ db: Database, _ fingerprint: String, address: String, source: ReporterKey.Source,
                                at now: Date, pin: Bool = false) throws -> [String] {
    let address = address.lowercased()
    let fingerprint = fingerprint.uppercased()
    let others = try String.fetchAll(db, cached: "SELECT fingerprint FROM reporter_key WHERE address = ? AND fingerprint != ?",
                                     arguments: [address, fingerprint])
    try db.execute(cached: """
      INSERT INTO reporter_key (fingerprint, address, source, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (fingerprint, address) DO UPDATE SET last_seen = excluded.last_seen
      """, arguments: [fingerprint, address, source.rawValue, now, now])
    // The first pin holds: a second key for a pinned address is a conflict for the team, never
    // pinned beside it (only `keys pin` moves a pin).
    if pin, try pinnedKeys(db, address: address).isEmpty {
      try db.execute(cached: "UPDATE reporter_key SET pinned_at = ? WHERE fingerprint = ? AND address = ?", arguments: [now, fingerprint, address])
    }
    if !others.isEmpty && db.changesCount > 0 {
      let known = try Bool.fetchOne(db, cached: "SELECT 1 FROM key_event WHERE action = 'conflict' AND fingerprint = ?", arguments: [fingerprint]) ?? false
      if !known {
        try db.execute(cached: "INSERT INTO key_event (at, actor, action, fingerprint, detail) VALUES (?, 'gateway', 'conflict', ?, ?)",
                       arguments: [now, fingerprint, "\(address) already has key \(others.joined(separator: ", ")); the new key (from \(source.rawValue)) is not used to encrypt until an admin decides"])
      }
    }
    return others
  }

  /// Marks a reporter key as seen (a valid signature by it arrived).
  public func touchReporterKey(_ fingerprint: String, at now: Date = Date()) async throws(StoreError) {
    try await writeCases { db in
      try db.execute(cached: "UPDATE reporter_key SET last_seen = ? WHERE fingerprint = ?", arguments: [now, fingerprint])
    }
  }

  public func reporterKeys() async throws(StoreError) -> [ReporterKey] {
    try await readCases { db in
      try Row.fetchAll(db, cached: "SELECT * FROM reporter_key ORDER BY address, first_seen").map(Store.reporterKey)
    }
  }

  static func reporterKey(_ row: Row) -> ReporterKey {
    ReporterKey(fingerprint: row["fingerprint"], address: row["address"], source: ReporterKey.Source(rawValue: row["source"]) ?? .admin,
                firstSeen: row["first_seen"], lastSeen: row["last_seen"], pinnedAt: row["pinned_at"])
  }

  /// The keys pinned to `address` (usually one): the gateway holds a key for it, so no other
  /// key is imported for it from outside, nor used for its verdicts, encryption or agreements.
  public func pinnedKeys(for address: String) async throws(StoreError) -> [String] {
    try await readCases { db in try Store.pinnedKeys(db, address: address) }
  }

  static func pinnedKeys(_ db: Database, address: String) throws -> [String] {
    try String.fetchAll(db, cached: "SELECT fingerprint FROM reporter_key WHERE address = ? AND pinned_at IS NOT NULL ORDER BY pinned_at",
                        arguments: [address.lowercased()])
  }

  /// `keys pin ADDRESS FPR`, `cases pin-key`: makes `fingerprint` the one key pinned to
  /// `address`, unpinning any other, and records who did it.
  public func pinReporterKey(_ fingerprint: String, address: String, actor: String, at now: Date = Date()) async throws(StoreError) {
    let address = address.lowercased()
    let fingerprint = fingerprint.uppercased()
    try await writeCases { db in
      let before = try Store.pinnedKeys(db, address: address)
      try db.execute(cached: "UPDATE reporter_key SET pinned_at = NULL WHERE address = ? AND fingerprint != ?", arguments: [address, fingerprint])
      try db.execute(cached: """
        INSERT INTO reporter_key (fingerprint, address, source, first_seen, last_seen, pinned_at) VALUES (?, ?, 'admin', ?, ?, ?)
        ON CONFLICT (fingerprint, address) DO UPDATE SET pinned_at = excluded.pinned_at
        """, arguments: [fingerprint, address, now, now, now])
      let replaced = before.filter { $0 != fingerprint }
      try db.execute(cached: "INSERT INTO key_event (at, actor, action, fingerprint, detail) VALUES (?, ?, 'pinned', ?, ?)",
                     arguments: [now, actor, fingerprint, "pinned to \(address)" + (replaced.isEmpty ? "" : "; no longer pinned: \(replaced.joined(separator: ", "))")])
    }
  }

  /// Cases whose first report was signed by a key the gateway did not have, and that key is
  /// `fingerprint` (the case may know only its key ID).
  public func casesAwaiting(signer fingerprint: String) async throws(StoreError) -> [CaseID] {
    let hex = fingerprint.uppercased()
    return try await readCases { db in
      try String.fetchAll(db, cached: """
        SELECT id FROM case_file WHERE awaited_signer IS NOT NULL
          AND (upper(awaited_signer) = ? OR (length(awaited_signer) = 16 AND upper(awaited_signer) = substr(?, -16)))
        ORDER BY year, number
        """, arguments: [hex, hex]).compactMap(CaseID.init)
    }
  }

  /// The awaited key arrived and the stored original verified with it: the case gets the new
  /// verdict and the key is pinned to it and to its reporter's address.
  public func pinAwaitedSigner(caseID: CaseID, verdict: Verdict, fingerprint: String, source: ReporterKey.Source,
                               at now: Date = Date()) async throws(StoreError) -> [String] {
    try await writeCases { db in
      guard let row = try Row.fetchOne(db, cached: "SELECT reporter_address FROM case_file WHERE id = ?", arguments: [caseID.description]) else {
        throw StoreError.notFound("Case \(caseID)")
      }
      let address: String = row["reporter_address"]
      try db.execute(cached: "UPDATE case_file SET verdict = ?, reporter_fingerprint = ?, awaited_signer = NULL WHERE id = ?",
                     arguments: [try Store.json(verdict), fingerprint.uppercased(), caseID.description])
      try Store.audit(db, caseID: caseID, rawMailID: nil, actor: "gateway", action: "key.arrived",
                      detail: "the key \(fingerprint.uppercased()) that signed the first report arrived (\(source.rawValue)); the original verified again: signature \(verdict.signature.name); the key is pinned to the case")
      return try Store.recordReporterKey(db, fingerprint, address: address, source: source, at: now, pin: true)
    }
  }

  /// `cases pin-key`: the team decides which key belongs to the case's reporter.
  public func pinCaseKey(caseID: CaseID, fingerprint: String, verdict: Verdict?, actor: String, at now: Date = Date()) async throws(StoreError) {
    try await writeCases { db in
      // Without a new verdict (the original did not verify with the key) the stored one stays.
      try db.execute(cached: "UPDATE case_file SET reporter_fingerprint = ?, awaited_signer = NULL, verdict = COALESCE(?, verdict) WHERE id = ?",
                     arguments: [fingerprint.uppercased(), try verdict.map { try Store.json($0) }, caseID.description])
      guard db.changesCount > 0 else { throw StoreError.notFound("Case \(caseID)") }
      try Store.audit(db, caseID: caseID, rawMailID: nil, actor: actor, action: "key.pinned",
                      detail: "key \(fingerprint.uppercased()) pinned to the case" + (verdict.map { "; the original verified again: signature \($0.signature.name)" } ?? ""))
    }
  }

  public func recordKeyEvent(action: String, fingerprint: String, detail: String, actor: String, at now: Date = Date()) async throws(StoreError) {
    try await writeCases { db in
      try db.execute(cached: "INSERT INTO key_event (at, actor, action, fingerprint, detail) VALUES (?, ?, ?, ?, ?)",
                     arguments: [now, actor, action, fingerprint, detail])
    }
  }

  /// The gateway's own keys as admins recorded them (`keys generate`, `rotate`, `adopt`, and
  /// `import` of a secret key), oldest first, each once: the gateway key is chosen from these
  /// by fingerprint, never found by its address.
  public func gatewayKeys() async throws(StoreError) -> [String] {
    try await readCases { db in
      try String.fetchAll(db, sql: """
        SELECT upper(fingerprint) FROM key_event WHERE action IN ('generated', 'rotated', 'adopted')
        GROUP BY upper(fingerprint) ORDER BY MAX(id)
        """)
    }
  }

  public func keyEvents() async throws(StoreError) -> [KeyEvent] {
    try await readCases { db in
      try Row.fetchAll(db, cached: "SELECT * FROM key_event ORDER BY id").map {
        KeyEvent(at: $0["at"], actor: $0["actor"], action: $0["action"], fingerprint: $0["fingerprint"], detail: $0["detail"])
      }
    }
  }
}
