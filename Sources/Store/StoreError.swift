/// Errors of the database stage. Messages name the file or record; never report content.
public enum StoreError: Error, Sendable, CustomStringConvertible {
  case cannotOpen(path: String, detail: String)
  case unsafePermissions(path: String, mode: String)
  case notFound(String)
  case invalidTransition(CaseID: String, from: String, to: String)
  case database(detail: String)

  public var description: String {
    switch self {
    case .cannotOpen(let path, let detail):
      return "Cannot open the database at \(path): \(detail). Check `database.path` and that the directory exists and is writable."
    case .unsafePermissions(let path, let mode):
      return "The database \(path) is readable by other users (mode \(mode)); run `chmod 600 \(path)`."
    case .notFound(let what): return "\(what) was not found."
    case .invalidTransition(let id, let from, let to):
      return "Case \(id) cannot move from \(from) to \(to)."
    case .database(let detail): return "Database error: \(detail)"
    }
  }
}
