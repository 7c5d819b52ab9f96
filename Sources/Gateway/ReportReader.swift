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
  /// Message headers that decide whether an automatic answer is allowed.
  public let autoReplyHeaders: AutoReplyHeaders
  /// Keys found attached to the mail (`application/pgp-keys`), to import as reporter keys.
  public let attachedKeys: [[UInt8]]
}

/// The headers RFC 3834 and list conventions use to say "do not answer automatically".
public struct AutoReplyHeaders: Sendable, Equatable {
  public var autoSubmitted: String?
  public var precedence: String?
  public var listID: String?
  public var returnPath: String?
}

/// Reads one raw mail: MIME structure, decryption, signatures, and the report inside.
///
/// Walks the whole MIME tree and records, per content part, whether an encryption
/// or a signature really covered it, so a message is never called encrypted or
/// signed beyond the parts that were.
public struct ReportReader: Sendable {
  public let engine: OpenPGPEngine
  public let limits: MIMELimits
  public let acceptPlaintext: Bool
  /// How many encryption layers inside each other are followed.
  static let maxCryptoDepth = 4

  public init(engine: OpenPGPEngine, limits: MIMELimits = .default, acceptPlaintext: Bool = true) {
    self.engine = engine
    self.limits = limits
    self.acceptPlaintext = acceptPlaintext
  }

  public static func sha256(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }

  public func read(_ bytes: [UInt8], receivedAt: Date) async throws(GatewayError) -> Reading {
    let digest = Self.sha256(bytes)
    let message: MIMEMessage
    do {
      message = try MIMEMessage.parse(bytes, limits: limits)
    } catch {
      return Reading(outcome: .rejected(reason: "malformed", detail: error.description),
                     verdict: Verdict(encryption: .none, signature: .none), sha256: digest, messageID: nil,
                     from: nil, autoReplyHeaders: AutoReplyHeaders(), attachedKeys: [])
    }
    let headers = message.headers
    let from = headers["From"].flatMap(MailAddress.parse)
    let messageID = headers["Message-ID"].map { $0.trimmingCharacters(in: .whitespaces) }
    let autoReply = AutoReplyHeaders(autoSubmitted: headers["Auto-Submitted"], precedence: headers["Precedence"],
                                     listID: headers["List-Id"], returnPath: headers["Return-Path"])

    var walk = Walk()
    do {
      try await walk.visit(message.root, in: message, reader: self, encrypted: false, signatures: nil, depth: 0)
    } catch let failure {
      return Reading(outcome: .undecryptable(failure.reason), verdict: Verdict(encryption: .failed(failure.reason), signature: .none),
                     sha256: digest, messageID: messageID, from: from, autoReplyHeaders: autoReply, attachedKeys: [])
    }

    let verdict = walk.verdict(from: from)
    let outerSubject = headers["Subject"] ?? ""
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
      return Reading(outcome: .rejected(reason: "plaintextRefused", detail: "The report was not encrypted and `gateway.acceptPlaintext` is false."),
                     verdict: verdict, sha256: digest, messageID: messageID, from: from, autoReplyHeaders: autoReply,
                     attachedKeys: walk.keys)
    }
    return Reading(outcome: .report(report), verdict: verdict, sha256: digest, messageID: messageID, from: from,
                   autoReplyHeaders: autoReply, attachedKeys: walk.keys)
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

/// A decryption failure found while walking; ends the walk.
struct WalkFailure: Error { let reason: DecryptionFailureReason }

/// State gathered while walking one message's MIME tree.
struct Walk {
  /// One part that carries content (text or a file), with what protected it.
  struct ContentPart {
    let path: String
    let contentType: String
    let encrypted: Bool
    /// Index into `signatureChecks` of the signature covering it, if any.
    let signature: Int?
  }

  var contentParts: [ContentPart] = []
  var signatureChecks: [SignatureCheck] = []
  var texts: [String] = []
  var attachments: [Attachment] = []
  var keys: [[UInt8]] = []
  var protectedSubject: String?
  var flags: Set<VerdictFlag> = []

  mutating func visit(_ part: MIMEPart, in message: MIMEMessage, reader: ReportReader, encrypted: Bool,
                      signatures: Int?, depth: Int) async throws(WalkFailure) {
    let type = part.contentType
    switch (type.type, type.subtype) {
    case ("multipart", "encrypted") where part.children.count >= 2:
      let ciphertext = message.decodedBody(of: part.children[1])
      try await decryptAndVisit(ciphertext, path: part.path, in: message, reader: reader, depth: depth)
    case ("multipart", "signed") where part.children.count >= 2:
      let signed = part.children[0]
      let checks = (try? await reader.engine.verifyDetached(signedBytes: message.canonicalBytes(of: signed),
                                                            signature: message.decodedBody(of: part.children[1]))) ?? []
      let index = record(checks.isEmpty ? [SignatureCheck(status: .error, fingerprint: nil)] : checks)
      try await visit(signed, in: message, reader: reader, encrypted: encrypted, signatures: index, depth: depth)
    case ("multipart", _):
      for child in part.children {
        try await visit(child, in: message, reader: reader, encrypted: encrypted, signatures: signatures, depth: depth)
      }
    case ("application", "pgp-keys"):
      keys.append(message.decodedBody(of: part))
    case ("application", "pgp-signature"), ("application", "pgp-encrypted"):
      break
    case ("text", _) where part.disposition?.kind != "attachment":
      try await visitText(part, in: message, reader: reader, encrypted: encrypted, signatures: signatures, depth: depth)
    default:
      let body = message.decodedBody(of: part)
      attachments.append(Attachment(name: part.filename, type: type.mimeType, size: body.count, encrypted: encrypted))
      contentParts.append(ContentPart(path: part.path, contentType: type.mimeType, encrypted: encrypted, signature: signatures))
    }
  }

  /// A text part: inline PGP blocks inside it are decrypted or verified; text around them stays unprotected.
  mutating func visitText(_ part: MIMEPart, in message: MIMEMessage, reader: ReportReader, encrypted: Bool,
                          signatures: Int?, depth: Int) async throws(WalkFailure) {
    let text = message.text(of: part)
    let utf8 = Array(text.utf8)
    let blocks = Armor.blocks(in: utf8)
    var cursor = 0
    var outside: [String] = []
    for block in blocks {
      outside.append(String(decoding: utf8[cursor..<block.range.lowerBound], as: UTF8.self))
      cursor = block.range.upperBound
      switch block.kind {
      case .message:
        try await decryptAndVisit(block.normalized, path: part.path, in: message, reader: reader, depth: depth, inline: true)
      case .signedMessage:
        let result = try? await reader.engine.verifyInline(block.normalized)
        let index = record(result?.signatures.isEmpty == false ? result!.signatures : [SignatureCheck(status: .error, fingerprint: nil)])
        let signedText = String(decoding: result?.plaintext ?? [], as: UTF8.self)
        addText(signedText, path: part.path + "#signed", encrypted: encrypted, signature: index)
      case .publicKey:
        keys.append(block.normalized)
      case .signature:
        break
      }
    }
    outside.append(String(decoding: utf8[cursor...], as: UTF8.self))
    let rest = outside.joined(separator: "\n")
    if blocks.isEmpty {
      addText(rest, path: part.path, encrypted: encrypted, signature: signatures)
    } else if !rest.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      addText(rest, path: part.path + "#outside", encrypted: encrypted, signature: signatures)
    }
  }

  mutating func addText(_ text: String, path: String, encrypted: Bool, signature: Int?) {
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
    texts.append(text)
    contentParts.append(ContentPart(path: path, contentType: "text/plain", encrypted: encrypted, signature: signature))
  }

  mutating func decryptAndVisit(_ ciphertext: [UInt8], path: String, in message: MIMEMessage, reader: ReportReader,
                                depth: Int, inline: Bool = false) async throws(WalkFailure) {
    guard depth < ReportReader.maxCryptoDepth else { throw WalkFailure(reason: .corrupt) }
    let decryption: Decryption
    do {
      decryption = try await reader.engine.decrypt(ciphertext)
    } catch {
      if case .decryptionFailed(let reason) = error { throw WalkFailure(reason: DecryptionFailureReason(rawValue: reason.rawValue) ?? .corrupt) }
      throw WalkFailure(reason: .corrupt)
    }
    let signature = decryption.signatures.isEmpty ? nil : record(decryption.signatures)
    let inner = decryption.plaintext
    // PGP/MIME always wraps a MIME entity; inline PGP usually plain text.
    if !inline || decryption.isMIME || Self.looksLikeMIME(inner), let parsed = try? MIMEMessage.parse(inner, limits: reader.limits) {
      if depth == 0, protectedSubject == nil, let subject = parsed.headers["Subject"] { protectedSubject = subject }
      var child = Walk()
      child.signatureChecks = signatureChecks
      try await child.visit(parsed.root, in: parsed, reader: reader, encrypted: true, signatures: signature, depth: depth + 1)
      signatureChecks = child.signatureChecks
      texts += child.texts
      attachments += child.attachments
      keys += child.keys
      if protectedSubject == nil { protectedSubject = child.protectedSubject }
      contentParts += child.contentParts.map { ContentPart(path: path + "/dec" + ($0.path == "/" ? "" : $0.path),
                                                           contentType: $0.contentType, encrypted: true, signature: $0.signature) }
    } else {
      addText(String(decoding: inner, as: UTF8.self), path: path + "/dec", encrypted: true, signature: signature)
    }
  }

  static func looksLikeMIME(_ bytes: [UInt8]) -> Bool {
    let head = String(decoding: bytes.prefix(200), as: UTF8.self).lowercased()
    return head.hasPrefix("content-type:") || head.hasPrefix("mime-version:")
  }

  /// Stores a group of signatures over one part and returns the index of the one that counts.
  mutating func record(_ checks: [SignatureCheck]) -> Int {
    let best = checks.firstIndex { $0.status == .valid } ?? 0
    for (offset, check) in checks.enumerated() where offset != best { signatureChecks.append(check) }
    signatureChecks.append(checks[best])
    return signatureChecks.count - 1
  }

  func verdict(from: MailAddress?) -> Verdict {
    var flags = self.flags
    let encryptedParts = contentParts.filter(\.encrypted)
    let encryption: EncryptionVerdict
    if contentParts.isEmpty || encryptedParts.isEmpty {
      encryption = .none
    } else if encryptedParts.count == contentParts.count {
      encryption = .full
    } else {
      encryption = .partial(encryptedParts: encryptedParts.map(\.path))
      flags.insert(.unencryptedTextOutsideEncryptedPart)
    }
    if case .none = encryption { flags.insert(.plaintextReport) }

    // The signature that counts covers the report: the most used one among content parts.
    let used = contentParts.compactMap(\.signature)
    let counted = Dictionary(grouping: used, by: { $0 }).max { a, b in
      (a.value.count, signatureChecks[a.key].status == .valid ? 1 : 0) < (b.value.count, signatureChecks[b.key].status == .valid ? 1 : 0)
    }?.key
    var signature: SignatureVerdict = .none
    var others: [SignerSummary] = []
    if let counted {
      let check = signatureChecks[counted]
      let fpr = check.fingerprint?.hex ?? ""
      switch check.status {
      case .valid:
        let matches = from.map { check.hasAddress($0.address) } ?? false
        signature = .valid(fingerprint: fpr, userID: check.userIDs.first, matchesFrom: matches)
        if !matches { flags.insert(.signerDiffersFromSender) }
        if Self.isWeak(check) { flags.insert(.weakAlgorithm) }
      case .bad, .error, .expiredSignature: signature = .bad(fingerprint: check.fingerprint?.hex)
      case .unknownKey: signature = .unknownKey(keyID: fpr)
      case .expiredKey: signature = .expiredKey(fingerprint: fpr)
      case .revokedKey: signature = .revokedKey(fingerprint: fpr)
      }
      if contentParts.contains(where: { $0.signature != counted }) { flags.insert(.unsignedTextOutsideSignedPart) }
      for (index, other) in signatureChecks.enumerated() where index != counted {
        others.append(SignerSummary(fingerprint: other.fingerprint?.hex ?? "", userID: other.userIDs.first, status: other.status.rawValue))
      }
    }
    let parts = contentParts.map { PartVerdict(path: $0.path, contentType: $0.contentType, encrypted: $0.encrypted,
                                                 signed: $0.signature.map { signatureChecks[$0].status == .valid } ?? false) }
    return Verdict(encryption: encryption, signature: signature, flags: flags, parts: parts, otherSignatures: others)
  }

  static func isWeak(_ check: SignatureCheck) -> Bool {
    let hash = check.hashAlgorithm.uppercased()
    if hash == "SHA1" || hash == "MD5" || hash == "RIPEMD160" { return true }
    if check.publicKeyAlgorithm.uppercased().hasPrefix("RSA") || check.publicKeyAlgorithm.uppercased().hasPrefix("DSA") {
      return check.keyBits > 0 && check.keyBits < 2048
    }
    return false
  }
}
