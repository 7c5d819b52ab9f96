import Foundation

/// Everything needed to write to reporters in one language.
public struct MailTexts: Sendable, Equatable {
  public var language: String
  public var acknowledgement: MailTemplate
  public var notice: MailTemplate
  public var status: MailTemplate
  public var agreement: MailTemplate
  public var phrases: Phrasebook

  public init(language: String, acknowledgement: MailTemplate, notice: MailTemplate, status: MailTemplate,
              agreement: MailTemplate, phrases: Phrasebook) {
    self.language = language
    self.acknowledgement = acknowledgement
    self.notice = notice
    self.status = status
    self.agreement = agreement
    self.phrases = phrases
  }
}

/// Facts about the organisation that every reporter mail may name.
public struct SenderFacts: Sendable, Equatable {
  public var organisation: String
  public var policyURL: String?
  /// The fingerprint of the gateway key reporters should encrypt to.
  public var gatewayKey: String
  /// Where the public key is published, if anywhere.
  public var keyURL: String?
  /// The organisation's own safe-harbour sentence, if it replaces the default.
  public var safeHarbour: String?
  public var timeZone: TimeZone

  public init(organisation: String, policyURL: String?, gatewayKey: String, keyURL: String? = nil, safeHarbour: String? = nil,
              timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
    self.organisation = organisation
    self.policyURL = policyURL
    self.gatewayKey = gatewayKey
    self.keyURL = keyURL
    self.safeHarbour = safeHarbour
    self.timeZone = timeZone
  }
}

/// The words of the acknowledgement a reporter receives.
///
/// Built only from what the gateway decided (case id, dates, verdict, receipt):
/// it takes no report text, subject or attachment name as input, so it cannot
/// quote them.
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

  public init(caseID: CaseID, timeline: Timeline, verdict: Verdict, receipt: Receipt, scope: ScopeVerdict,
              texts: MailTexts, facts: SenderFacts) {
    let p = texts.phrases
    var values = ReporterWords.common(facts: facts, phrases: p)
    values["case"] = caseID.description
    values["received"] = ReporterWords.timestamp(timeline.receivedAt, facts.timeZone)
    values["encryption"] = ReporterWords.encryption(verdict.encryption, p)
    // Only what the sender could know (issue 18, point 7): the signer, the scope verdict and
    // the dates that follow from the severity are told only to the report's verified author.
    let tell = verdict.mayTellSender
    values["signature"] = tell ? ReporterWords.signature(verdict.signature, p) : ReporterWords.untoldSignature(verdict.signature, p)
    values["plaintext"] = verdict.flags.contains(.plaintextReport) ? "yes" : ""
    values["scope"] = p["scope.\(tell ? scope.rawValue : ScopeVerdict.unknown.rawValue)"]
    values["acknowledgeDue"] = ReporterWords.day(timeline.acknowledgeDue, facts.timeZone)
    values["triageDue"] = ReporterWords.day(timeline.triageDue, facts.timeZone)
    values["fixDue"] = ReporterWords.day(timeline.fixDue, facts.timeZone)
    values["disclosure"] = ReporterWords.day(timeline.proposedDisclosure, facts.timeZone)
    var receipt = receipt
    if !tell { receipt.signerFingerprint = nil }
    values["receipt"] = ReporterWords.receipt(caseID: caseID, receipt, p, facts.timeZone)
    (subject, body) = texts.acknowledgement.render(values)
  }

  init(subject: String, body: String) {
    self.subject = subject
    self.body = body
  }

  /// The one notice for a mail that could not be read. Deliberately takes no
  /// reason: every kind of failure gets the same words, so it is no oracle.
  public static func unreadableNotice(receivedAt: Date, texts: MailTexts, facts: SenderFacts) -> Acknowledgement {
    var values = ReporterWords.common(facts: facts, phrases: texts.phrases)
    values["received"] = ReporterWords.day(receivedAt, facts.timeZone)
    let rendered = texts.notice.render(values)
    return Acknowledgement(subject: rendered.subject, body: rendered.body)
  }

  /// A status change of the case, for the reporter.
  public static func statusChange(caseID: CaseID, state: CaseState, fixDue: Date, disclosure: Date?, disclosureAgreed: Bool,
                                  texts: MailTexts, facts: SenderFacts) -> Acknowledgement {
    let p = texts.phrases
    var values = ReporterWords.common(facts: facts, phrases: p)
    values["case"] = caseID.description
    values["state"] = state.rawValue
    values["stateText"] = p["state.\(state.rawValue)"]
    values["fixDue"] = ReporterWords.day(fixDue, facts.timeZone)
    values["disclosure"] = disclosure.map { p[disclosureAgreed ? "disclosure.agreed" : "disclosure.proposed", ["date": ReporterWords.day($0, facts.timeZone)]] } ?? "-"
    let rendered = texts.status.render(values)
    return Acknowledgement(subject: rendered.subject, body: rendered.body)
  }

  /// The signed answer to a reply whose keywords were not applied: which, and why, and how
  /// to send them so they count (issue 18, point 3). It names no key and quotes nothing.
  public static func keywordsNotApplied(caseID: CaseID, refused: [(keyword: String, reason: KeywordRefusal)], texts: MailTexts,
                                        facts: SenderFacts) -> Acknowledgement {
    let p = texts.phrases
    var lines = [p["refused.intro", ["case": caseID.description]], ""]
    for (keyword, reason) in refused { lines.append("- \(keyword): \(p["refused.\(reason.rawValue)"])") }
    lines += ["", p["refused.howto"], "", "-- ", p["refused.signature", ["organisation": facts.organisation]]]
    return Acknowledgement(subject: p["refused.subject", ["case": caseID.description]], body: lines.joined(separator: "\n") + "\n")
  }

  /// The covering text of an agreement update.
  public static func agreementChanged(caseID: CaseID, changes: [AgreementChange], texts: MailTexts, facts: SenderFacts) -> Acknowledgement {
    var values = ReporterWords.common(facts: facts, phrases: texts.phrases)
    values["case"] = caseID.description
    values["changes"] = changes.map { "- \($0.field.rawValue): \($0.from ?? "-") -> \($0.to ?? "-")" }.joined(separator: "\n")
    let rendered = texts.agreement.render(values)
    return Acknowledgement(subject: rendered.subject, body: rendered.body)
  }
}

/// How gateway facts are put into words.
enum ReporterWords {
  static func common(facts: SenderFacts, phrases: Phrasebook) -> [String: String] {
    ["organisation": facts.organisation, "policyURL": facts.policyURL ?? "", "gatewayKey": facts.gatewayKey,
     "keyURL": facts.keyURL ?? "", "safeHarbour": facts.safeHarbour ?? phrases["safeHarbour"]]
  }

  static func encryption(_ encryption: EncryptionVerdict, _ p: Phrasebook) -> String {
    switch encryption {
    case .full: return p["encryption.full"]
    case .partial: return p["encryption.partial"]
    case .none, .failed: return p["encryption.none"]
    }
  }

  static func signature(_ signature: SignatureVerdict, _ p: Phrasebook) -> String {
    switch signature {
    case .valid(let fpr, _, let matches): return p[matches ? "signature.validMatches" : "signature.validOther", ["fingerprint": fpr]]
    case .bad: return p["signature.bad"]
    case .unknownKey(let keyID): return p["signature.unknownKey", ["fingerprint": keyID]]
    case .expiredKey(let fpr): return p["signature.expiredKey", ["fingerprint": fpr]]
    case .revokedKey(let fpr): return p["signature.revokedKey", ["fingerprint": fpr]]
    case .none: return p["signature.none"]
    }
  }

  /// A signature described without naming its key, for a sender who may not be told who signed
  /// (a key ID names the signer as well as a fingerprint does).
  static func untoldSignature(_ signature: SignatureVerdict, _ p: Phrasebook) -> String {
    switch signature {
    case .valid: return p["signature.notYours"]
    case .unknownKey: return p["signature.unknownKeyUntold"]
    case .expiredKey: return p["signature.expiredKeyUntold"]
    case .revokedKey: return p["signature.revokedKeyUntold"]
    case .bad, .none: return self.signature(signature, p)
    }
  }

  static func receipt(caseID: CaseID, _ receipt: Acknowledgement.Receipt, _ p: Phrasebook, _ zone: TimeZone) -> String {
    var lines = ["\(p["receipt.title"]):",
                 "  \(p["receipt.case"]): \(caseID)",
                 "  \(p["receipt.received"]): \(UTCDate.timestamp(receipt.receivedAt))",
                 "  \(p["receipt.sha256"]): \(receipt.sha256)",
                 "  \(p["receipt.signer"]): \(receipt.signerFingerprint ?? p["receipt.none"])"]
    for part in receipt.parts {
      lines.append("  \(p["receipt.part"]) \(part.path): \(p[part.encrypted ? "receipt.encrypted" : "receipt.notEncrypted"]), \(p[part.signed ? "receipt.signed" : "receipt.notSigned"])")
    }
    return lines.joined(separator: "\n")
  }

  /// A day and time in the organisation's zone, with the zone named.
  static func timestamp(_ date: Date, _ zone: TimeZone) -> String {
    UTCDate.minute(date, in: zone) + " (" + (["UTC", "GMT"].contains(zone.identifier) ? "UTC" : zone.identifier) + ")"
  }

  static func day(_ date: Date, _ zone: TimeZone) -> String {
    UTCDate.day(date, in: zone)
  }
}

/// Why a keyword in a reporter's reply was not applied (issue 18, point 5).
public enum KeywordRefusal: String, Sendable, Codable, Equatable, CaseIterable {
  /// The reply had no valid signature.
  case unsigned
  /// Signed, but not by the key pinned to the case.
  case otherKey
  /// The case has no pinned key yet: the first report's signer key is not known.
  case noPinnedKey
  /// The keyword stood outside the signed part.
  case outsideSignedPart
  /// The mail holds unsigned or hidden text beside its signed part, or its signer is not its sender.
  case mixedMessage
}
