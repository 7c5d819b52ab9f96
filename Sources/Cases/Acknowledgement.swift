import Foundation

/// The words of the acknowledgement a reporter receives.
///
/// Built only from what the gateway decided (case id, dates, verdict, receipt):
/// it takes no report text, subject or attachment name as input, so it cannot
/// quote them. The Gateway wraps it in a signed PGP/MIME mail.
public struct Acknowledgement: Sendable, Equatable {
  public let subject: String
  public let body: String

  /// What the reporter may keep as evidence of what arrived and when.
  public struct Receipt: Sendable, Equatable {
    public var sha256: String
    public var receivedAt: Date
    public var signerFingerprint: String?
    public var parts: [PartVerdict]
    public init(sha256: String, receivedAt: Date, signerFingerprint: String?, parts: [PartVerdict]) {
      self.sha256 = sha256
      self.receivedAt = receivedAt
      self.signerFingerprint = signerFingerprint
      self.parts = parts
    }
  }

  public init(caseID: CaseID, timeline: Timeline, verdict: Verdict, receipt: Receipt, organisation: String,
              policyURL: String?, scope: ScopeVerdict = .unknown) {
    subject = "[\(caseID)] Your vulnerability report was received"
    var lines: [String] = []
    lines.append("Hello,")
    lines.append("")
    lines.append("Thank you for reporting a vulnerability to \(organisation). Your report was received on")
    lines.append("\(Self.format(timeline.receivedAt)) and registered as case \(caseID).")
    lines.append("")
    lines.append("What we received:")
    lines.append("- " + Self.describe(verdict.encryption))
    lines.append("- " + Self.describe(verdict.signature))
    if verdict.flags.contains(.plaintextReport) {
      lines.append("")
      lines.append("Your report was not encrypted. Please encrypt any follow-up to our published key.")
    }
    lines.append("")
    switch scope {
    case .inScope: lines.append("What you reported is within the scope of our disclosure policy.")
    case .outOfScope: lines.append("What you reported appears to be outside the scope of our disclosure policy; we will assess it all the same and tell you.")
    case .unknown: lines.append("We will check whether what you reported is within the scope of our disclosure policy.")
    }
    lines.append("")
    lines.append("Proposed timeline:")
    lines.append("- assessment, with an expected fix date, by \(Self.day(timeline.triageDue))")
    lines.append("- fix by \(Self.day(timeline.fixDue))")
    lines.append("- publication not before \(Self.day(timeline.proposedDisclosure)), unless we agree otherwise")
    lines.append("")
    lines.append("If you follow our coordinated vulnerability disclosure policy, we will not take legal action")
    lines.append("against you for this report.")
    if let policyURL { lines.append("Policy: \(policyURL)") }
    lines.append("")
    lines.append("To follow up, reply to this message and keep \(caseID) in the subject.")
    lines.append("")
    lines.append("-- ")
    lines.append("Security team, \(organisation)")
    lines.append("")
    lines.append("Receipt (covered by this message's signature):")
    lines.append("  case:        \(caseID)")
    lines.append("  received:    \(Self.format(receipt.receivedAt))")
    lines.append("  sha256:      \(receipt.sha256)")
    lines.append("  signer:      \(receipt.signerFingerprint ?? "none")")
    for part in receipt.parts {
      lines.append("  part \(part.path): \(part.encrypted ? "encrypted" : "not encrypted"), \(part.signed ? "signed" : "not signed")")
    }
    body = lines.joined(separator: "\n") + "\n"
  }

  static func describe(_ encryption: EncryptionVerdict) -> String {
    switch encryption {
    case .full: return "an encrypted message"
    case .partial: return "a message that was only partly encrypted"
    case .none: return "a message that was not encrypted"
    case .failed: return "a message we could not decrypt"
    }
  }

  static func describe(_ signature: SignatureVerdict) -> String {
    switch signature {
    case .valid(let fpr, _, true): return "signed with a valid signature by key \(fpr), which carries your address"
    case .valid(let fpr, _, false): return "signed with a valid signature by key \(fpr), which does not carry your address"
    case .bad: return "with a signature that did not verify"
    case .unknownKey(let keyID): return "signed by key \(keyID), which we do not have; attach your public key to a reply"
    case .expiredKey(let fpr): return "signed by key \(fpr), which has expired"
    case .revokedKey(let fpr): return "signed by key \(fpr), which has been revoked"
    case .none: return "not signed"
    }
  }

  static func format(_ date: Date) -> String { UTCDate.timestamp(date) }
  static func day(_ date: Date) -> String { UTCDate.day(date) }
}
