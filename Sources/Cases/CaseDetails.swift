import Foundation

/// What the report parser found, stored with a new case.
public struct CaseDetails: Sendable, Equatable {
  public var assets: [String]
  public var scope: ScopeVerdict
  public var cweIDs: [String]
  public var cveIDs: [String]
  public var cvssVectors: [String]
  public var language: String?
  /// The parsed report fields as JSON (kept whole for the team and for export).
  public var fieldsJSON: String?

  public init(assets: [String] = [], scope: ScopeVerdict = .unknown, cweIDs: [String] = [], cveIDs: [String] = [],
              cvssVectors: [String] = [], language: String? = nil, fieldsJSON: String? = nil) {
    self.assets = assets
    self.scope = scope
    self.cweIDs = cweIDs
    self.cveIDs = cveIDs
    self.cvssVectors = cvssVectors
    self.language = language
    self.fieldsJSON = fieldsJSON
  }
}

/// A mail that arrived about an existing case.
public struct FollowUp: Sendable, Equatable {
  public let id: Int64
  public let caseID: CaseID
  public let rawMailID: Int64
  public let receivedAt: Date
  public let verdict: Verdict
  public let signer: String?
  /// Keywords found and whether they were applied (only when signed by the pinned key).
  public let keywords: [String]
  public let applied: Bool
  /// Signed by a key other than the one pinned to the case.
  public let possibleImpersonation: Bool
  public let text: String?
  /// The From address it came with.
  public let sender: String?
  /// Keywords that were not applied, each with the reason ("ACCEPT: outsideSignedPart").
  public let refusedKeywords: [String]

  public init(id: Int64, caseID: CaseID, rawMailID: Int64, receivedAt: Date, verdict: Verdict, signer: String?,
              keywords: [String], applied: Bool, possibleImpersonation: Bool, text: String?, sender: String? = nil,
              refusedKeywords: [String] = []) {
    self.id = id
    self.caseID = caseID
    self.rawMailID = rawMailID
    self.receivedAt = receivedAt
    self.verdict = verdict
    self.signer = signer
    self.keywords = keywords
    self.applied = applied
    self.possibleImpersonation = possibleImpersonation
    self.text = text
    self.sender = sender
    self.refusedKeywords = refusedKeywords
  }
}

/// A note the team added to a case.
public struct CaseNote: Sendable, Equatable {
  public let id: Int64
  public let at: Date
  public let actor: String
  public let text: String
  public init(id: Int64, at: Date, actor: String, text: String) {
    self.id = id
    self.at = at
    self.actor = actor
    self.text = text
  }
}

/// One recorded change of the agreement, with who made it.
public struct RecordedAgreementChange: Sendable, Equatable {
  public let at: Date
  /// "reporter" (by signed mail) or the team member.
  public let source: String
  public let change: AgreementChange
  public init(at: Date, source: String, change: AgreementChange) {
    self.at = at
    self.source = source
    self.change = change
  }
}
