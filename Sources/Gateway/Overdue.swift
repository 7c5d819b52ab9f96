import Cases
import Foundation
import OpenPGP
import Store

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

extension Gateway {
  /// Open cases' promises that are broken or due soon, for the service's log warnings.
  public func promisesAtRisk(now: Date = Date()) async -> [(caseID: CaseID, promise: Promise)] {
    guard let cases = try? await store.cases() else { return [] }
    return cases.flatMap { c in
      Overdue.promisesAtRisk(c, policy: configuration.timeline, warnWithin: configuration.overdueWarningWorkingDays, now: now)
        .map { (c.id, $0) }
    }
  }

  /// Gateway keys that expire within `keys.warnDays` (or already did), for the log and `doctor`.
  public func expiringKeys(now: Date = Date()) async -> [(fingerprint: String, expires: Date)] {
    guard let keys = try? await Gateway.gatewayKeys(configuration, engine: engine, store: store) else { return [] }
    return keys.compactMap { key in
      guard !key.revoked, let expires = key.expiresAt,
            expires.timeIntervalSince(now) < Double(configuration.keyWarningDays) * 86_400 else { return nil }
      return (key.fingerprint.hex, expires)
    }
  }

  /// The report text of a case: stored, or (with `database.storeReportText` false) decrypted
  /// again from the stored original, on demand, never written back.
  public static func reportText(of record: CaseRecord, store: Store, configuration: GatewayConfiguration) async -> String? {
    if let text = record.reportText { return text }
    guard let bytes = try? await store.rawMailBytes(id: record.rawMailID) else { return nil }
    let reader = ReportReader(engine: OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase),
                              limits: configuration.limits, maxDecryptedBytes: configuration.maxDecryptedBytes)
    if case .report(let report) = await reader.read(bytes, receivedAt: record.case.timeline.receivedAt).outcome { return report.text }
    return nil
  }
}
