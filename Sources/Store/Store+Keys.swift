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
  public func recordReporterKey(_ fingerprint: String, address: String, source: ReporterKey.Source,
                                at now: Date = Date()) async throws(StoreError) -> [String] {
    try await writeCases { db in try Store.recordReporterKey(db, fingerprint, address: address, source: source, at: now) }
  }

  /// `recordReporterKey` inside a transaction that is already open (`openCase` records the
  /// key that signed a new report together with its case).
  static func recordReporterKey(_ db: Database, _ fingerprint: String, address: String, source: ReporterKey.Source,
                                at now: Date) throws -> [String] {
    let address = address.lowercased()
    let others = try String.fetchAll(db, cached: "SELECT fingerprint FROM reporter_key WHERE address = ? AND fingerprint != ?",
                                     arguments: [address, fingerprint])
    try db.execute(cached: """
      INSERT INTO reporter_key (fingerprint, address, source, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (fingerprint, address) DO UPDATE SET last_seen = excluded.last_seen
      """, arguments: [fingerprint, address, source.rawValue, now, now])
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
      try Row.fetchAll(db, cached: "SELECT * FROM reporter_key ORDER BY address, first_seen").map {
        ReporterKey(fingerprint: $0["fingerprint"], address: $0["address"], source: ReporterKey.Source(rawValue: $0["source"]) ?? .admin,
                    firstSeen: $0["first_seen"], lastSeen: $0["last_seen"])
      }
    }
  }

  public func recordKeyEvent(action: String, fingerprint: String, detail: String, actor: String, at now: Date = Date()) async throws(StoreError) {
    try await writeCases { db in
      try db.execute(cached: "INSERT INTO key_event (at, actor, action, fingerprint, detail) VALUES (?, ?, ?, ?, ?)",
                     arguments: [now, actor, action, fingerprint, detail])
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
