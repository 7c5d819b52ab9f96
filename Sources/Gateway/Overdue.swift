import Cases
import Foundation

/// Promises about to be broken, before they are: for `cases list --overdue` and the service's warnings.
public enum Overdue {
  /// The promises of an open case that are broken or due soon.
  public static func promisesAtRisk(_ c: Case, policy: TimelinePolicy, warnWithin: Int, now: Date = Date()) -> [Promise] {
    if [.rejected, .duplicate, .closed, .disclosed].contains(c.state) { return [] }
    var timeline = c.timeline
    if let fixDue = c.agreement?.fixDue { timeline.fixDue = fixDue }
    return policy.status(of: timeline, acknowledgedAt: c.acknowledgedAt, triagedAt: c.triagedAt, fixedAt: c.fixedAt,
                         now: now, warnWithin: warnWithin)
      .filter { $0.state == .broken && !isKeptLate($0, c) || $0.state == .dueSoon }
  }

  /// A promise done late is history, not something to act on now.
  static func isKeptLate(_ promise: Promise, _ c: Case) -> Bool {
    switch promise.kind {
    case .acknowledge: return c.acknowledgedAt != nil
    case .triage: return c.triagedAt != nil
    case .fix: return c.fixedAt != nil
    }
  }
}
