import Cases
import Foundation
import Store

extension Gateway {
  /// What `cases update` changed, in words.
  public struct UpdateResult: Sendable {
    public let before: Case
    public let after: Case
    public var summary: String {
      var parts: [String] = []
      if before.state != after.state { parts.append("state \(before.state.rawValue) → \(after.state.rawValue)") }
      if before.severity != after.severity { parts.append("severity \(after.severity?.rawValue ?? "unset")") }
      if before.title != after.title { parts.append("title") }
      if before.timeline.triageDue != after.timeline.triageDue { parts.append("triage due \(UTCDate.day(after.timeline.triageDue))") }
      if before.agreement != after.agreement { parts.append("agreement (sent to the reporter)") }
      return parts.isEmpty ? "nothing changed" : parts.joined(separator: ", ")
    }
  }

  /// Applies a team change; a changed agreement is sent to the reporter, signed.
  public func update(_ caseID: CaseID, _ change: Store.CaseUpdate, actor: String) async throws(GatewayError) -> UpdateResult {
    let result: (before: Case, after: Case)
    do { result = try await store.update(caseID, change, actor: actor) } catch { throw .store(error) }
    if result.before.agreement != result.after.agreement, let agreement = result.after.agreement {
      let old = result.before.agreement ?? Agreement(fixDue: result.before.timeline.fixDue)
      var changes: [AgreementChange] = []
      if old.fixDue != agreement.fixDue { changes.append(AgreementChange(field: .fixDue, from: UTCDate.day(old.fixDue), to: UTCDate.day(agreement.fixDue))) }
      if old.disclosureDate != agreement.disclosureDate {
        changes.append(AgreementChange(field: .disclosureDate, from: old.disclosureDate.map(UTCDate.day), to: agreement.disclosureDate.map(UTCDate.day)))
      }
      _ = try await sendAgreement(for: caseID, changes: changes, replyTo: nil, by: actor, log: logger)
      if result.before.state == result.after.state { await notifyTeam(.agreement, caseID: caseID) }
    }
    if result.before.state != result.after.state {
      try await sendStatus(for: result.after, log: logger)
      await notifyTeam(.state, caseID: caseID)
      await queueWebhooks(.stateChange, caseID: caseID)
    }
    return UpdateResult(before: result.before, after: result.after)
  }
}

/// Scores CVSS vectors for display and export.
public enum CaseScoring {
  public static let score: @Sendable (String) -> (version: String, score: Double, severity: String)? = { vector in
    guard let scored = try? CVSS.score(vector) else { return nil }
    return (scored.version.rawValue, scored.baseScore, scored.severity.rawValue)
  }

  /// The severity the highest valid vector gives, if any.
  public static func severity(of vectors: [String]) -> Severity? {
    vectors.compactMap { try? CVSS.score($0) }.max { $0.baseScore < $1.baseScore }?.severity
  }
}
