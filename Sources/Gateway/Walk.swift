import Cases
import Foundation
import MIME
import OpenPGP

/// The state gathered while walking one message's MIME tree, and the rules that
/// turn it into a verdict.
struct Walk {
  /// One part that carries content (text or a file), with what protected it.
  struct ContentPart {
    let path: String
    let contentType: String
    let encrypted: Bool
    /// Index into `signatureChecks` of the signature covering it, if any.
    let signature: Int?
    let isAttachment: Bool
  }

  let reader: ReportReader
  let from: MailAddress?
  var contentParts: [ContentPart] = []
  var signatureChecks: [SignatureCheck] = []
  var texts: [String] = []
  /// For each of `texts`, the index into `signatureChecks` of the signature covering it.
  var textSignatures: [Int?] = []
  /// `EncryptedMessage.identity` of each encrypted message decrypted (issue 18, point 7).
  var ciphertexts: [String] = []
  var attachments: [Attachment] = []
  var keys: [[UInt8]] = []
  var protectedSubject: String?
  var flags: Set<VerdictFlag> = []

  init(reader: ReportReader, from: MailAddress?) {
    self.reader = reader
    self.from = from
  }

  mutating func run(_ message: MIMEMessage) async -> WalkFailure? {
    do {
      try await visit(message.root, in: message, prefix: "", encrypted: false, signature: nil, depth: 0)
      return nil
    } catch {
      return error
    }
  }

  // MARK: Walking

  mutating func visit(_ part: MIMEPart, in message: MIMEMessage, prefix: String, encrypted: Bool, signature: Int?,
                      depth: Int) async throws(WalkFailure) {
    let type = part.contentType
    let path = Self.join(prefix, part.path)
    switch (type.type, type.subtype) {
    case ("multipart", "encrypted"):
      guard part.children.count >= 2 else { throw .undecryptable(.corrupt, flags: []) }
      try await decryptPGPMIME(message.decodedBody(of: part.children[1]), path: path, depth: depth)
    case ("multipart", "signed"):
      let signed = part.children.first
      var checks: [SignatureCheck] = []
      if let signed, part.children.count >= 2, part.children[1].contentType.mimeType == "application/pgp-signature" {
        checks = (try? await reader.engine.verifyDetached(signedBytes: message.canonicalBytes(of: signed),
                                                          signature: message.decodedBody(of: part.children[1]))) ?? []
      }
      // A multipart/signed without a usable signature claims what it cannot show.
      let index = record(checks.isEmpty ? [SignatureCheck(status: .error, fingerprint: nil)] : checks)
      let before = contentParts.count
      if let signed {
        try await visit(signed, in: message, prefix: prefix, encrypted: encrypted, signature: index, depth: depth)
      }
      addEmptyEntity(ifNothingSince: before, path: Self.join(prefix, signed?.path ?? part.path), encrypted: encrypted, signature: index)
    case ("multipart", _):
      if let repaired = Self.mangledPGPMIME(part, in: message) {
        // Exchange/Outlook and Apple Mail re-wrap PGP/MIME as multipart/mixed.
        flags.insert(.repairedMangledMIME)
        try await decryptPGPMIME(message.decodedBody(of: repaired), path: Self.join(prefix, repaired.path), depth: depth)
        return
      }
      for child in part.children {
        try await visit(child, in: message, prefix: prefix, encrypted: encrypted, signature: signature, depth: depth)
      }
    case ("application", "pgp-keys"):
      keys.append(message.decodedBody(of: part))
    case ("application", "pgp-signature"):
      break  // a signature outside multipart/signed covers nothing we can name
    case ("text", _) where !(part.disposition?.isAttachment ?? false) && part.filename == nil:
      try await visitText(part, in: message, path: path, encrypted: encrypted, signature: signature, depth: depth)
    default:
      try await visitAttachment(part, in: message, path: path, encrypted: encrypted, signature: signature, depth: depth)
    }
  }

  /// A text part: inline PGP blocks inside it are decrypted or verified; text around them stays unprotected.
  mutating func visitText(_ part: MIMEPart, in message: MIMEMessage, path: String, encrypted: Bool, signature: Int?,
                          depth: Int) async throws(WalkFailure) {
    // Armor is ASCII, so it is found in the bytes as sent: a signature covers those
    // bytes in the part's own charset, not a conversion of them.
    var bytes = message.decodedBody(of: part)
    let charset = part.contentType["charset"]
    var blocks = Armor.blocks(in: bytes)
    if blocks.isEmpty, part.contentType.subtype == "html", bytes.contains(subsequence: Array("-----BEGIN PGP".utf8)) {
      // Armor pasted into HTML: read the HTML's text instead.
      bytes = HTMLText.plain(bytes)
      blocks = Armor.blocks(in: bytes)
    }
    var cursor = 0
    var outside: [String] = []
    for block in blocks {
      outside.append(Charset.decode(bytes[cursor..<block.range.lowerBound], charset: charset))
      cursor = block.range.upperBound
      switch block.kind {
      case .message where PacketSniffer.kind(of: block.normalized) == .encrypted:
        try await decrypt(block.normalized, path: Self.sub(path, "inline"), depth: depth, mime: false, name: nil)
      case .message where PacketSniffer.kind(of: block.normalized) == .unknown:
        // A PGP MESSAGE block with no OpenPGP packet in it: as with PGP/MIME, the mail claims
        // what it cannot show. Reading on would drop the block from the report without a trace.
        throw .undecryptable(.corrupt, flags: [])
      case .message, .signedMessage:
        // Signed (not encrypted) data: readable by anyone, signed by someone.
        let result = try? await reader.engine.verifyInline(block.normalized)
        let checks = result?.signatures ?? []
        let index = record(checks.isEmpty ? [SignatureCheck(status: .error, fingerprint: nil)] : checks)
        let text = result.map { Charset.decode($0.plaintext, charset: charset) } ?? ""
        addText(text, path: Self.sub(path, "signed"), encrypted: encrypted, signature: index)
      case .publicKey:
        keys.append(block.normalized)
      case .signature:
        break
      }
    }
    outside.append(Charset.decode(bytes[cursor...], charset: charset))
    let rest = outside.joined(separator: "\n")
    addText(rest, path: blocks.isEmpty ? path : Self.sub(path, "outside"), encrypted: encrypted, signature: signature,
            contentType: part.contentType.mimeType)
  }

  /// A file: separately encrypted ones (`report.pdf.gpg`, armored `.asc` ciphertext) are decrypted too.
  mutating func visitAttachment(_ part: MIMEPart, in message: MIMEMessage, path: String, encrypted: Bool,
                                signature: Int?, depth: Int) async throws(WalkFailure) {
    let body = message.decodedBody(of: part)
    // Only a file that says it is OpenPGP (armor, a .gpg/.pgp/.asc name, an OpenPGP type)
    // is read as such: any binary file can start like a packet, and reading it as one
    // would turn a report with a core dump attached into "undecryptable".
    let saysOpenPGP = PacketSniffer.isArmored(body) || Self.hasOpenPGPName(part.filename)
      || ["application/pgp-encrypted", "application/pgp", "application/x-pgp"].contains(part.contentType.mimeType)
    switch saysOpenPGP ? PacketSniffer.kind(of: body) : .unknown {
    case .encrypted where part.contentType.mimeType != "application/pgp-encrypted" || body.count > 64:
      try await decrypt(body, path: path, depth: depth, mime: false, name: Self.strippingCryptoSuffix(part.filename))
      return
    case .key:
      keys.append(body)
      return
    default:
      break
    }
    if part.contentType.mimeType == "application/pgp-encrypted" { return }  // a PGP/MIME version part
    attachments.append(Attachment(name: part.filename, type: part.contentType.mimeType, size: body.count, encrypted: encrypted))
    contentParts.append(ContentPart(path: path, contentType: part.contentType.mimeType, encrypted: encrypted,
                                    signature: signature, isAttachment: true))
  }

  mutating func addText(_ text: String, path: String, encrypted: Bool, signature: Int?, contentType: String = "text/plain") {
    guard !Self.isInsignificant(text) else { return }
    texts.append(text)
    textSignatures.append(signature)
    contentParts.append(ContentPart(path: path, contentType: contentType, encrypted: encrypted, signature: signature,
                                    isAttachment: false))
  }

  /// An encrypted or signed entity with no content of its own (an empty body, only
  /// a key) still counts as one part, so the verdict says what protected it.
  mutating func addEmptyEntity(ifNothingSince count: Int, path: String, encrypted: Bool, signature: Int?) {
    guard contentParts.count == count else { return }
    contentParts.append(ContentPart(path: path, contentType: "text/plain", encrypted: encrypted, signature: signature,
                                    isAttachment: false))
  }

  /// The encrypted half of PGP/MIME: must really be ciphertext, or the message lies about being encrypted.
  mutating func decryptPGPMIME(_ payload: [UInt8], path: String, depth: Int) async throws(WalkFailure) {
    switch PacketSniffer.kind(of: payload) {
    case .encrypted:
      try await decrypt(payload, path: path, depth: depth, mime: true, name: nil)
    case .notEncrypted, .cleartextSigned:
      throw .undecryptable(.corrupt, flags: [.fakeEncryption])
    case .key, .unknown:
      throw .undecryptable(.corrupt, flags: [])
    }
  }

  mutating func decrypt(_ ciphertext: [UInt8], path: String, depth: Int, mime: Bool, name: String?) async throws(WalkFailure) {
    guard depth < ReportReader.maxCryptoDepth else {
      throw .rejected(reason: "tooDeep", detail: "The mail nests more than \(ReportReader.maxCryptoDepth) layers of encryption.")
    }
    let decryption: Decryption
    if let identity = EncryptedMessage.identity(ciphertext) { ciphertexts.append(identity) }
    do {
      decryption = try await reader.engine.decrypt(ciphertext, limit: reader.maxDecryptedBytes)
    } catch {
      switch error {
      case .decryptionFailed(let reason):
        throw .undecryptable(DecryptionFailureReason(rawValue: reason.rawValue) ?? .corrupt, flags: [])
      case .plaintextTooLarge(let limit):
        throw .rejected(reason: "decryptedTooLarge", detail: "The decrypted mail is larger than \(limit) bytes (`limits.maxDecryptedBytes`): a possible compression bomb.")
      default:
        throw .rejected(reason: "gpgError", detail: error.description)
      }
    }
    let signature = decryption.signatures.isEmpty ? nil : record(decryption.signatures)
    let inner = decryption.plaintext
    if let name, !(decryption.isMIME || Self.looksLikeMIME(inner)) {
      attachments.append(Attachment(name: name, type: "application/octet-stream", size: inner.count, encrypted: true))
      contentParts.append(ContentPart(path: Self.sub(path, "dec"), contentType: "application/octet-stream", encrypted: true,
                                      signature: signature, isAttachment: true))
      return
    }
    // PGP/MIME always wraps a MIME entity; inline PGP is usually plain text.
    if mime || decryption.isMIME || Self.looksLikeMIME(inner), let parsed = try? MIMEMessage.parse(inner, limits: reader.limits) {
      if protectedSubject == nil, let subject = Self.protectedSubject(parsed) { protectedSubject = subject }
      let before = contentParts.count
      try await visit(parsed.root, in: parsed, prefix: Self.sub(path, "dec"), encrypted: true, signature: signature, depth: depth + 1)
      addEmptyEntity(ifNothingSince: before, path: Self.sub(path, "dec"), encrypted: true, signature: signature)
    } else {
      addText(Charset.decode(inner, charset: nil), path: Self.sub(path, "dec"), encrypted: true, signature: signature)
    }
  }

  /// Stores a group of signatures over one part and returns the index of the one that counts:
  /// a good one by a key carrying the From address, else any good one, else the first.
  mutating func record(_ checks: [SignatureCheck]) -> Int {
    let fromAddress = from?.address
    let best = checks.firstIndex { $0.status == .valid && fromAddress.map($0.hasAddress) == true }
      ?? checks.firstIndex { $0.status == .valid } ?? 0
    for (offset, check) in checks.enumerated() where offset != best { signatureChecks.append(check) }
    signatureChecks.append(checks[best])
    return signatureChecks.count - 1
  }

  // MARK: Verdict

  func verdict() -> Verdict {
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

    let counted = countedSignature()
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
      let outside = contentParts.filter { $0.signature != counted }
      if !outside.isEmpty { flags.insert(.unsignedTextOutsideSignedPart) }
      // Unsigned HTML beside the signed part can hide it; a signed attachment is not the report.
      if outside.contains(where: { $0.contentType == "text/html" })
        || contentParts.filter({ $0.signature == counted }).allSatisfy(\.isAttachment) {
        flags.insert(.signedPartHiddenOrNotReport)
      }
      for (index, other) in signatureChecks.enumerated() where index != counted {
        others.append(SignerSummary(fingerprint: other.fingerprint?.hex ?? "", userID: other.userIDs.first, status: other.status.rawValue))
      }
    } else if !signatureChecks.isEmpty {
      // Signatures that cover no content (e.g. over an empty part) still get listed.
      for other in signatureChecks {
        others.append(SignerSummary(fingerprint: other.fingerprint?.hex ?? "", userID: other.userIDs.first, status: other.status.rawValue))
      }
    }
    let parts = contentParts.map { PartVerdict(path: $0.path, contentType: $0.contentType, encrypted: $0.encrypted,
                                                 signed: $0.signature.map { signatureChecks[$0].status == .valid } ?? false) }
    return Verdict(encryption: encryption, signature: signature, flags: flags, parts: parts, otherSignatures: others)
  }

  /// The signature that counts: the one covering the most content; a good one wins a tie.
  func countedSignature() -> Int? {
    let used = contentParts.compactMap(\.signature)
    return Dictionary(grouping: used, by: { $0 }).max { a, b in
      (a.value.count, signatureChecks[a.key].status == .valid ? 1 : 0, -a.key)
        < (b.value.count, signatureChecks[b.key].status == .valid ? 1 : 0, -b.key)
    }?.key
  }

  /// The text covered by the signature that counts, when that signature is good: the only
  /// text keywords may come from (issue 18, point 5).
  func signedText() -> String? {
    guard let counted = countedSignature(), signatureChecks[counted].status == .valid else { return nil }
    let covered = zip(texts, textSignatures).filter { $0.1 == counted }.map(\.0)
    return covered.isEmpty ? nil : covered.joined(separator: "\n\n")
  }

  // MARK: Rules

  static func isWeak(_ check: SignatureCheck) -> Bool {
    let hash = check.hashAlgorithm.uppercased()
    if hash == "SHA1" || hash == "MD5" || hash == "RIPEMD160" { return true }
    let algorithm = check.publicKeyAlgorithm.uppercased()
    if algorithm.hasPrefix("RSA") || algorithm.hasPrefix("DSA") || algorithm.hasPrefix("ELG") {
      return check.keyBits > 0 && check.keyBits < 2048
    }
    return false
  }

  /// Text that says nothing: blanks and signature separators some providers add outside the encryption.
  static func isInsignificant(_ text: String) -> Bool {
    // A report settles this at its first letter, without being split into lines. (Foundation
    // trims more than Unicode calls white space, U+200B for one, so both sets are asked.)
    if text.unicodeScalars.contains(where: {
      $0 != "-" && !$0.properties.isWhitespace && !CharacterSet.whitespacesAndNewlines.contains($0)
    }) { return false }
    return text.split(whereSeparator: \.isNewline).allSatisfy { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      return trimmed.isEmpty || trimmed == "--"
    }
  }

  static func looksLikeMIME(_ bytes: [UInt8]) -> Bool {
    // "Content-Type:" as the first header of a decrypted entity, in any case.
    let head = String(decoding: bytes.prefix(200), as: UTF8.self).lowercased()
    return head.hasPrefix("content-type:") || head.hasPrefix("mime-version:")
  }


  /// The Subject inside the encryption (protected headers v1, or an older
  /// "memory hole" text/rfc822-headers part first in the encrypted entity).
  static func protectedSubject(_ inner: MIMEMessage) -> String? {
    if let subject = inner.headers["Subject"] { return subject }
    // Thunderbird signs, then encrypts: the protected headers sit on the signed part.
    if inner.root.contentType.mimeType == "multipart/signed", let signed = inner.root.children.first,
       let subject = signed.headers["Subject"] {
      return subject
    }
    if let first = inner.root.children.first, first.contentType.mimeType == "text/rfc822-headers",
       let headers = try? MIMEMessage.parse(inner.decodedBody(of: first)), let subject = headers.headers["Subject"] {
      return subject
    }
    return nil
  }

  /// The encrypted part of PGP/MIME that a relay re-wrapped as multipart/mixed
  /// (a version part then the ciphertext, with nothing else but empty text).
  static func mangledPGPMIME(_ part: MIMEPart, in message: MIMEMessage) -> MIMEPart? {
    guard part.contentType.subtype == "mixed",
          let version = part.children.firstIndex(where: { $0.contentType.mimeType == "application/pgp-encrypted" }),
          version + 1 < part.children.count,
          part.children[version + 1].contentType.mimeType == "application/octet-stream",
          String(decoding: message.decodedBody(of: part.children[version]), as: UTF8.self).contains("Version: 1")
    else { return nil }
    let others = part.children.indices.filter { $0 != version && $0 != version + 1 }
    guard others.allSatisfy({ index in
      let child = part.children[index]
      return child.contentType.type == "text" && isInsignificant(message.text(of: child))
    }) else { return nil }
    return part.children[version + 1]
  }

  /// A part path inside a decrypted or parsed entity: "/dec" + "/1" → "/dec/1".
  static func join(_ prefix: String, _ path: String) -> String {
    prefix.isEmpty ? path : (path == "/" ? prefix : prefix + path)
  }

  /// A pseudo-part below `path`: "/" + "dec" → "/dec".
  static func sub(_ path: String, _ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

  /// `report.pdf.gpg`, `key.asc`, `finding.pgp`: names OpenPGP tools give their output.
  static func hasOpenPGPName(_ name: String?) -> Bool {
    guard let name = name?.lowercased() else { return false }
    return [".gpg", ".pgp", ".asc"].contains { name.hasSuffix($0) }
  }

  static func strippingCryptoSuffix(_ name: String?) -> String {
    guard let name else { return "(unnamed)" }
    for suffix in [".gpg", ".pgp", ".asc"] where name.lowercased().hasSuffix(suffix) {
      return String(name.dropLast(suffix.count))
    }
    return name
  }
}

extension Array where Element == UInt8 {
  func contains(subsequence needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, needle.count <= count else { return false }
    for start in 0...(count - needle.count) where self[start] == needle[0] {
      if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
  }
}
