import Cases
import Foundation

/// How the team is doing: the numbers for `meldpunt report [--since DATE] [--json]`.
///
/// Two views in one value:
/// - the period: cases received since `since` (all cases when nil), counted by state and
///   severity, the median times to acknowledge, to assess and to fix them, and how the
///   promises made to their reporters stand (`TimelinePolicy.status` at `now`);
/// - the work at hand: every open case, whenever it arrived, with a promise that is broken
///   and not yet done (`overdue`) or due within `warnWithin` working days (`dueSoon`), the
///   same rule as `cases list --overdue` (`Overdue.promisesAtRisk`).
///
/// Times come from the case (`acknowledgedAt`, `triagedAt`, `fixedAt`), which the store
/// sets in the same transaction as the matching audit event. A fix promise is measured
/// against the agreed fix date when there is one, and does not apply to rejected or
/// duplicate cases.
public struct Digest: Encodable, Sendable {
  /// Promises of one kind, by state.
  public struct PromiseCounts: Encodable, Sendable, Equatable {
    public var kept = 0
    public var broken = 0
    public var dueSoon = 0
    public var pending = 0

    public init(kept: Int = 0, broken: Int = 0, dueSoon: Int = 0, pending: Int = 0) {
      self.kept = kept
      self.broken = broken
      self.dueSoon = dueSoon
      self.pending = pending
    }
  }

  /// A promise at risk.
  public struct Entry: Encodable, Sendable, Equatable {
    public let caseID: CaseID
    public let kind: Promise.Kind
    public let due: Date
  }

  public let generatedAt: Date
  public let since: Date?
  /// Cases received in the period.
  public let cases: Int
  /// Every state, zero included, by raw value.
  public let byState: [String: Int]
  /// Every severity, zero included, plus `unrated`.
  public let bySeverity: [String: Int]
  /// From receipt to the acknowledgement, over the period's acknowledged cases.
  public let medianHoursToAcknowledge: Double?
  /// From receipt to the assessment (state triaged).
  public let medianHoursToAssess: Double?
  /// From receipt to the fix.
  public let medianDaysToFix: Double?
  /// By `Promise.Kind` raw value.
  public let promises: [String: PromiseCounts]
  public let overdue: [Entry]
  public let dueSoon: [Entry]

  public static func make(cases all: [Case], since: Date?, now: Date, policy: TimelinePolicy, warnWithin: Int) -> Digest {
    let period = all.filter { c in since.map { c.timeline.receivedAt >= $0 } ?? true }

    var byState = Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0.rawValue, 0) })
    var bySeverity = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, 0) })
    bySeverity["unrated"] = 0
    var promises = Dictionary(uniqueKeysWithValues: Promise.Kind.allCases.map { ($0.rawValue, PromiseCounts()) })
    for c in period {
      byState[c.state.rawValue, default: 0] += 1
      bySeverity[c.severity?.rawValue ?? "unrated", default: 0] += 1
      for promise in status(of: c, policy: policy, now: now, warnWithin: warnWithin) {
        switch promise.state {
        case .kept: promises[promise.kind.rawValue]?.kept += 1
        case .broken: promises[promise.kind.rawValue]?.broken += 1
        case .dueSoon: promises[promise.kind.rawValue]?.dueSoon += 1
        case .pending: promises[promise.kind.rawValue]?.pending += 1
        }
      }
    }

    let hour = 3600.0
    var overdue: [Entry] = []
    var dueSoon: [Entry] = []
    for c in all.sorted(by: { $0.id < $1.id }) {
      for promise in Overdue.promisesAtRisk(c, policy: policy, warnWithin: warnWithin, now: now) {
        let entry = Entry(caseID: c.id, kind: promise.kind, due: promise.due)
        if promise.state == .broken { overdue.append(entry) } else { dueSoon.append(entry) }
      }
    }
    return Digest(
      generatedAt: now, since: since, cases: period.count, byState: byState, bySeverity: bySeverity,
      medianHoursToAcknowledge: median(period.compactMap { c in c.acknowledgedAt.map { $0.timeIntervalSince(c.timeline.receivedAt) / hour } }),
      medianHoursToAssess: median(period.compactMap { c in c.triagedAt.map { $0.timeIntervalSince(c.timeline.receivedAt) / hour } }),
      medianDaysToFix: median(period.compactMap { c in c.fixedAt.map { $0.timeIntervalSince(c.timeline.receivedAt) / (24 * hour) } }),
      promises: promises, overdue: overdue, dueSoon: dueSoon)
  }

  /// The promises of one case at `now`, with the agreed fix date; no fix promise for a
  /// case that was rejected or repeats another.
  static func status(of c: Case, policy: TimelinePolicy, now: Date, warnWithin: Int) -> [Promise] {
    var timeline = c.timeline
    if let fixDue = c.agreement?.fixDue { timeline.fixDue = fixDue }
    let promises = policy.status(of: timeline, acknowledgedAt: c.acknowledgedAt, triagedAt: c.triagedAt, fixedAt: c.fixedAt,
                                 now: now, warnWithin: warnWithin)
    guard [.rejected, .duplicate].contains(c.state) else { return promises }
    return promises.filter { $0.kind != .fix }
  }

  /// The middle value, or the mean of the two middle values; nil without values.
  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  // MARK: Output

  enum CodingKeys: String, CodingKey {
    case generatedAt, since, cases, byState, bySeverity, medianHoursToAcknowledge, medianHoursToAssess, medianDaysToFix
    case promises, overdue, dueSoon
  }

  /// Unknown values are written as null, so scripts see every key.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(generatedAt, forKey: .generatedAt)
    try c.encode(since, forKey: .since)
    try c.encode(cases, forKey: .cases)
    try c.encode(byState, forKey: .byState)
    try c.encode(bySeverity, forKey: .bySeverity)
    try c.encode(medianHoursToAcknowledge, forKey: .medianHoursToAcknowledge)
    try c.encode(medianHoursToAssess, forKey: .medianHoursToAssess)
    try c.encode(medianDaysToFix, forKey: .medianDaysToFix)
    try c.encode(promises, forKey: .promises)
    try c.encode(overdue, forKey: .overdue)
    try c.encode(dueSoon, forKey: .dueSoon)
  }

  /// Pretty-printed JSON with sorted keys and ISO 8601 dates, for `report --json`.
  public func json() -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    // Dates, strings, integers and finite doubles only: encoding cannot fail.
    return (try? [UInt8](encoder.encode(self))) ?? []
  }

  /// The digest for people, e.g. a weekly mail to the team.
  public func text() -> String {
    func number(_ value: Double?, _ unit: String) -> String {
      guard let value else { return "no data" }
      return String(format: "%.1f", value) + " " + unit
    }
    func counts(_ order: [String], _ values: [String: Int]) -> String {
      order.map { "\($0) \(values[$0] ?? 0)" }.joined(separator: ", ")
    }
    func label(_ kind: Promise.Kind) -> String {
      switch kind {
      case .acknowledge: return "acknowledge"
      case .triage: return "assess"
      case .fix: return "fix"
      }
    }
    var lines: [String] = []
    lines.append("Meldpunt digest, \(UTCDate.timestamp(generatedAt))")
    lines.append(since.map { "Cases received since \(UTCDate.day($0)): \(cases)" } ?? "All cases: \(cases)")
    lines.append("By state: " + counts(CaseState.allCases.map(\.rawValue), byState))
    lines.append("By severity: " + counts(Severity.allCases.reversed().map(\.rawValue) + ["unrated"], bySeverity))
    lines.append("")
    lines.append("Median time to acknowledge: " + number(medianHoursToAcknowledge, "hours"))
    lines.append("Median time to assess:      " + number(medianHoursToAssess, "hours"))
    lines.append("Median time to fix:         " + number(medianDaysToFix, "days"))
    lines.append("")
    lines.append("Promises        kept  broken  due soon  pending")
    for kind in Promise.Kind.allCases {
      let p = promises[kind.rawValue] ?? PromiseCounts()
      lines.append(label(kind).padding(toLength: 14, withPad: " ", startingAt: 0)
        + String(format: "%6d  %6d  %8d  %7d", p.kept, p.broken, p.dueSoon, p.pending))
    }
    func list(_ title: String, _ entries: [Entry]) {
      lines.append("")
      lines.append("\(title) (\(entries.count))" + (entries.isEmpty ? ": none" : ":"))
      for entry in entries {
        lines.append("  \(entry.caseID)  \(label(entry.kind).padding(toLength: 11, withPad: " ", startingAt: 0))  due \(UTCDate.timestamp(entry.due))")
      }
    }
    list("Overdue", overdue)
    list("Due soon", dueSoon)
    return lines.joined(separator: "\n") + "\n"
  }
}
