import Foundation

/// One reported vulnerability as the security team works it.
public struct Case: Sendable, Equatable {
  public var id: CaseID
  public var state: CaseState
  /// From the report's subject (protected subject when there was one). Report content.
  public var title: String
  public var severity: Severity?
  public var reporterAddress: String
  public var reporterName: String?
  /// The key that signed the first report, pinned to the case.
  public var reporterFingerprint: String?
  public var timeline: Timeline
  public var acknowledgedAt: Date?
  public var verdict: Verdict
  public var messageID: String?
  public var attachments: [Attachment]
  /// Hosts, URLs and products the report is about.
  public var assets: [String] = []
  public var scope: ScopeVerdict = .unknown
  public var cweIDs: [String] = []
  public var cveIDs: [String] = []
  /// CVSS vectors from the report, as written (scored when shown).
  public var cvssVectors: [String] = []
  /// What both sides agreed (fix date, disclosure, credit, consent).
  public var agreement: Agreement?
  public var triagedAt: Date?
  public var fixedAt: Date?
  /// An earlier case this may repeat (same reporter, same asset, similar title).
  public var possibleDuplicateOf: CaseID?
  /// "en" or "nl": the language to write to the reporter in.
  public var language: String?
  /// The key (fingerprint or key ID) that signed the first report while the gateway did not
  /// have it: when that very key arrives, the original is verified again and the key pinned.
  public var awaitedSigner: String?
  /// A case the mail claimed to continue although its sender is not that case's reporter.
  public var claimedCaseID: CaseID?
  /// An earlier case whose encrypted message this mail carries again (re-sent ciphertext).
  public var copyOf: CaseID?

  public init(id: CaseID, state: CaseState = .new, title: String, severity: Severity? = nil, reporterAddress: String,
              reporterName: String? = nil, reporterFingerprint: String? = nil, timeline: Timeline,
              acknowledgedAt: Date? = nil, verdict: Verdict, messageID: String? = nil, attachments: [Attachment] = []) {
    self.id = id
    self.state = state
    self.title = title
    self.severity = severity
    self.reporterAddress = reporterAddress
    self.reporterName = reporterName
    self.reporterFingerprint = reporterFingerprint
    self.timeline = timeline
    self.acknowledgedAt = acknowledgedAt
    self.verdict = verdict
    self.messageID = messageID
    self.attachments = attachments
  }
}
