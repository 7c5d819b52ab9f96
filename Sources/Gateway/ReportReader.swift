import Cases
import Crypto
import Foundation
import MIME
import OpenPGP

/// What the gateway made of one mail: a readable report with its verdict, or why not.
public struct Reading: Sendable {
  public enum Outcome: Sendable {
    case report(Report)
    /// Encrypted, but it could not be decrypted: quarantine, never use partial content.
    case undecryptable(DecryptionFailureReason)
    /// Not a message the gateway accepts (malformed, over a limit, plaintext refused by policy).
    case rejected(reason: String, detail: String)
  }

  public let outcome: Outcome
  public let verdict: Verdict
  public let sha256: String
  public let messageID: String?
  public let from: MailAddress?
  /// The subject that counts: the protected one when the encrypted part carried one.
  public let subject: String
  public let subjectWasProtected: Bool
  /// Message headers that decide whether an automatic answer is allowed.
  public let autoReplyHeaders: AutoReplyHeaders
  /// Keys found in the mail (`application/pgp-keys` parts, armored key blocks).
  public let attachedKeys: [[UInt8]]
  /// Where a key the reader imported came from: "attachment" or "autocrypt".
  public var importedKeySource: String? = nil
  public let attachments: [Attachment]
  /// What became of the keys the mail offered (imported, or refused and why).
  public var keyOffer = KeyTrust.OfferOutcome()
  /// The text covered by the valid signature that counts: keywords come only from here.
  public var signedText: String? = nil
  /// `EncryptedMessage.identity` of each encrypted message in the mail (re-sent ciphertext).
  public var ciphertexts: [String] = []
}

/// The headers RFC 3834 and list conventions use to say "do not answer automatically".
public struct AutoReplyHeaders: Sendable, Equatable {
  public var autoSubmitted: String?
  public var precedence: String?
  public var listID: String?
  public var returnPath: String?

  public init(autoSubmitted: String? = nil, precedence: String? = nil, listID: String? = nil, returnPath: String? = nil) {
    self.autoSubmitted = autoSubmitted
    self.precedence = precedence
    self.listID = listID
    self.returnPath = returnPath
  }

  init(_ headers: Headers) {
    self.init(autoSubmitted: headers["Auto-Submitted"], precedence: headers["Precedence"],
              listID: headers["List-Id"], returnPath: headers["Return-Path"])
  }
}

/// Reads one raw mail: MIME structure, decryption, signatures, and the report inside.
///
/// Walks the whole MIME tree and records, per content part, whether an encryption
/// or a signature really covered it, so a message is never called encrypted or
/// signed beyond the parts that were. Only the message's own headers that decide
/// threading and replies are read from outside the encryption; nothing the
/// gateway itself would write (verdict or crypto headers) is ever taken from a mail.
public struct ReportReader: Sendable {
  public let engine: OpenPGPEngine
  public let limits: MIMELimits
  public let maxDecryptedBytes: Int
  public let acceptPlaintext: Bool
  /// Whom the gateway trusts: keys the mail offers go through it (and are imported when a
  /// signer was unknown, then the mail judged again), and it knows the keys pinned to an
  /// address. Nil: nothing is imported and no key is known to be pinned.
  public let trust: KeyTrust?
  /// How many encryption layers inside each other are followed.
  static let maxCryptoDepth = 4

  public init(engine: OpenPGPEngine, limits: MIMELimits = .default, maxDecryptedBytes: Int = 64 * 1024 * 1024,
              acceptPlaintext: Bool = true, trust: KeyTrust? = nil) {
    self.engine = engine
    self.limits = limits
    self.maxDecryptedBytes = maxDecryptedBytes
    self.acceptPlaintext = acceptPlaintext
    self.trust = trust
  }

  public static func sha256(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).lowercaseHex
  }

  public func read(_ bytes: [UInt8], receivedAt: Date) async -> Reading {
    let digest = Self.sha256(bytes)
    let message: MIMEMessage
    do {
      message = try MIMEMessage.parse(bytes, limits: limits)
    } catch {
      let reason: String = { if case .notAMessage = error { return "malformed" }; return "overLimit" }()
      return Reading(outcome: .rejected(reason: reason, detail: error.description),
                     verdict: Verdict(encryption: .none, signature: .none), sha256: digest, messageID: nil, from: nil,
                     subject: "", subjectWasProtected: false, autoReplyHeaders: AutoReplyHeaders(), attachedKeys: [],
                     attachments: [])
    }
    let headers = message.headers
    let from = headers["From"].flatMap(MailAddress.parse)
    let messageID = headers["Message-ID"].map { $0.trimmingCharacters(in: .whitespaces) }
    let outerSubject = headers["Subject"] ?? ""

    var walk = Walk(reader: self, from: from)
    var failure = await walk.run(message)
    var imported: String?
    var offer = KeyTrust.OfferOutcome()
    // A signer we do not know may have attached its key, or sent it in an Autocrypt header:
    // offered to the trust rules (KeyTrust) and, when taken, the mail is judged again. An
    // Autocrypt key counts only for its own address and only when this very message is signed by it.
    let unknown = walk.signatureChecks.filter { $0.status == .unknownKey }.compactMap(\.fingerprint)
    if failure == nil, let trust, let sender = from?.address, !unknown.isEmpty {
      offer = await trust.offer(walk.keys, from: sender, source: .attachment, wanted: unknown)
      if !offer.imported.isEmpty { imported = "attachment" }
      if offer.imported.isEmpty, let autocrypt = Self.autocryptKey(headers, from: from) {
        let fromHeader = await trust.offer([autocrypt], from: sender, source: .autocrypt, wanted: unknown)
        if !fromHeader.imported.isEmpty { imported = "autocrypt" }
        offer.merge(fromHeader)
      }
      if imported != nil {
        walk = Walk(reader: self, from: from)
        failure = await walk.run(message)
      }
    } else if walk.keys.contains(where: KeyMaterial.containsSecretKey) {
      offer.refusals.append(.secretKeyMaterial)
    }

    func reading(_ outcome: Reading.Outcome, _ verdict: Verdict) -> Reading {
      var result = Reading(outcome: outcome, verdict: verdict, sha256: digest, messageID: messageID, from: from,
                           subject: walk.protectedSubject ?? outerSubject, subjectWasProtected: walk.protectedSubject != nil,
                           autoReplyHeaders: AutoReplyHeaders(headers), attachedKeys: walk.keys, attachments: walk.attachments)
      result.importedKeySource = imported
      result.keyOffer = offer
      result.signedText = walk.signedText()
      result.ciphertexts = walk.ciphertexts
      return result
    }

    switch failure {
    case .undecryptable(let reason, let flags):
      return reading(.undecryptable(reason), Verdict(encryption: .failed(reason), signature: .none, flags: flags))
    case .rejected(let reason, let detail):
      return reading(.rejected(reason: reason, detail: detail), Verdict(encryption: .none, signature: .none))
    case nil:
      break
    }
    var verdict = walk.verdict()
    if imported != nil { verdict.flags.insert(.attachedKeyImported) }
    if offer.secretKeyOffered { verdict.flags.insert(.secretKeyAttached) }
    // A second key for an address that has a pinned one is never the sender's (issue 18, point 2).
    if case .valid(let signer, _, true) = verdict.signature, let trust, let sender = from?.address {
      let pinned = await trust.pinnedKeys(for: sender)
      if !pinned.isEmpty, !pinned.contains(signer.uppercased()) { verdict.flags.insert(.signerNotPinnedKey) }
    }
    let report = Report(
      reporterAddress: from?.address ?? "",
      reporterName: from?.name,
      subject: walk.protectedSubject ?? outerSubject,
      subjectWasProtected: walk.protectedSubject != nil,
      text: walk.texts.joined(separator: "\n\n"),
      messageID: messageID,
      references: Self.messageIDs(in: (headers["In-Reply-To"] ?? "") + " " + (headers["References"] ?? "")),
      receivedAt: receivedAt,
      attachments: walk.attachments)
    if case .none = verdict.encryption, !acceptPlaintext {
      return reading(.rejected(reason: "plaintextRefused", detail: "The report was not encrypted and `gateway.acceptPlaintext` is false."), verdict)
    }
    return reading(.report(report), verdict)
  }

  /// The key of an `Autocrypt:` header (autocrypt.org level 1) whose `addr` is the From address.
  static func autocryptKey(_ headers: Headers, from: MailAddress?) -> [UInt8]? {
    guard let from else { return nil }
    for field in headers.all("Autocrypt") {
      var addr: String?
      var keydata: String?
      for attribute in field.unfoldedValue.split(separator: ";") {
        let pair = attribute.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard pair.count == 2 else { continue }
        if pair[0] == "addr" { addr = pair[1] }
        if pair[0] == "keydata" { keydata = pair[1].filter { !$0.isWhitespace } }
      }
      guard addr?.caseInsensitiveCompare(from.address) == .orderedSame, let keydata,
            let data = Data(base64Encoded: keydata) else { continue }
      return [UInt8](data)
    }
    return nil
  }

  static func messageIDs(in text: String) -> [String] {
    var ids: [String] = []
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
      ids.append(String(rest[open...close]))
      rest = rest[rest.index(after: close)...]
    }
    return ids
  }
}

/// Why a walk stopped: the whole mail is then quarantined, nothing of it used.
enum WalkFailure: Error, Equatable {
  case undecryptable(DecryptionFailureReason, flags: Set<VerdictFlag>)
  case rejected(reason: String, detail: String)
}
