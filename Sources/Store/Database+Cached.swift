import GRDB
import GRDBSQLite

// The pipeline runs the same few dozen statements for every mail. Compiling them each
// time (SQLite's parser, plus GRDB's authorizer callback for every column a statement
// touches) was about a third of the gateway's SQLite time (BENCHMARKS.md, step 19), so
// Store's statements go through the connection's statement cache. Every SQL string here is
// a constant or one of a few variants, so the cache stays small.
//
// A cached statement keeps the values last bound to it (GRDB's copy and SQLite's) until the
// next use: a 25 MB mail, or a report's text, would stay in memory. Each use therefore ends
// by binding nothing (`released`).

extension Database {
  func execute(cached sql: String, arguments: StatementArguments = StatementArguments()) throws {
    try cachedStatement(sql: sql).released { try $0.execute(arguments: arguments) }
  }
}

extension Statement {
  func released<T>(_ body: (Statement) throws -> T) rethrows -> T {
    defer {
      // After a failed step (a full disk, a constraint) SQLite reports the error once more
      // on the first reset, which GRDB's setUncheckedArguments would not survive.
      _ = sqlite3_reset(sqliteStatement)
      setUncheckedArguments(StatementArguments())
    }
    return try body(self)
  }
}

extension Row {
  static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
    try db.cachedStatement(sql: sql).released { try fetchOne($0, arguments: arguments) }
  }

  static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
    try db.cachedStatement(sql: sql).released { try fetchAll($0, arguments: arguments) }
  }
}

extension DatabaseValueConvertible {
  static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
    try db.cachedStatement(sql: sql).released { try fetchOne($0, arguments: arguments) }
  }

  static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
    try db.cachedStatement(sql: sql).released { try fetchAll($0, arguments: arguments) }
  }
}
