/// Where a case stands in the coordinated-disclosure process.
///
/// Only the transitions in `allowedNext` exist: new → triaged → accepted | rejected |
/// duplicate; accepted → fixing → fixed → disclosed → closed.
public enum CaseState: String, Sendable, Codable, CaseIterable {
  case new, triaged, accepted, rejected, duplicate, fixing, fixed, disclosed, closed

  public var allowedNext: Set<CaseState> {
    switch self {
    case .new: return [.triaged]
    case .triaged: return [.accepted, .rejected, .duplicate]
    case .accepted: return [.fixing]
    case .fixing: return [.fixed]
    case .fixed: return [.disclosed]
    case .disclosed: return [.closed]
    case .rejected, .duplicate, .closed: return []
    }
  }

  public func canMove(to next: CaseState) -> Bool { allowedNext.contains(next) }
}

/// How serious a finding is; drives the timeline policy.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
  case none, low, medium, high, critical

  public static func < (a: Severity, b: Severity) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
