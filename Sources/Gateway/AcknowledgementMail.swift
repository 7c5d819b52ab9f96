import Cases
import Foundation
import OpenPGP

/// A file attached to an outgoing mail.
struct OutgoingAttachment {
  var name: String
  var type: String
  var bytes: [UInt8]
}

/// Builds the signed mails the gateway sends (RFC 5322 with PGP/MIME, RFC 3156).
///
/// The text part is quoted-printable so that trailing spaces and long lines
/// survive any relay unchanged: a `multipart/signed` signature covers its exact bytes.
struct OutgoingMessage {
  var from: String
  var to: String
  var subject: String
  var body: String
  var inReplyTo: String?
  var references: [String]
  var domain: String
  /// Files sent along (the machine-readable agreement), base64-encoded inside the signed part.
  var attachments: [OutgoingAttachment] = []

  /// The message, its Message-ID, signed by `signer` in `engine`'s key home.
  func signed(by signer: String, engine: OpenPGPEngine, date: Date = Date()) async throws(OpenPGPError) -> (bytes: [UInt8], messageID: String) {
    let inner = attachments.isEmpty ? Self.textEntity(body) : Self.mixedEntity(body, attachments)
    let signature = try await engine.signDetached(inner, signer: signer)
    let boundary = "mp-" + UUID().uuidString.lowercased()
    let messageID = newMessageID()
    var out = headerBlock(subject: subject, messageID: messageID, date: date,
                          contentType: "multipart/signed; micalg=\(signature.micalg);\r\n protocol=\"application/pgp-signature\";\r\n boundary=\"\(boundary)\"")
    out += Array("This is an OpenPGP/MIME signed message (RFC 3156).\r\n--\(boundary)\r\n".utf8)
    out += inner
    out += Array("\r\n--\(boundary)\r\n".utf8)
    out += Array("Content-Type: application/pgp-signature; name=\"signature.asc\"\r\nContent-Description: OpenPGP digital signature\r\nContent-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n".utf8)
    out += Self.crlf(signature.armored)
    out += Array("\r\n--\(boundary)--\r\n".utf8)
    return (out, messageID)
  }

  /// The message signed and encrypted to `recipients` (RFC 3156 §6.2), with the real
  /// subject only inside the encryption (protected headers) and a neutral one outside.
  func encrypted(by signer: String, to recipients: [String], engine: OpenPGPEngine,
                 date: Date = Date()) async throws(OpenPGPError) -> (bytes: [UInt8], messageID: String) {
    let messageID = newMessageID()
    let body = attachments.isEmpty ? Self.textEntity(body) : Self.mixedEntity(body, attachments)
    // Protected headers (draft-ietf-lamps-header-protection): the inner entity carries them.
    let split = Self.headerEnd(of: body)
    var inner = Array(body[..<split.contentTypeEnd])
    inner += Array("; protected-headers=\"v1\"\r\n".utf8)
    inner += Array("From: \(Self.headerSafe(from))\r\nTo: \(Self.headerSafe(to))\r\nSubject: \(Self.encodedWord(subject))\r\nMessage-ID: \(messageID)\r\nDate: \(Self.rfc5322Date(date))\r\n".utf8)
    inner += Array(body[split.afterContentType...])
    let ciphertext = try await engine.encryptAndSign(inner, to: recipients, signer: signer)
    let boundary = "mp-" + UUID().uuidString.lowercased()
    var out = headerBlock(subject: Self.neutralSubject(subject), messageID: messageID, date: date,
                          contentType: "multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n boundary=\"\(boundary)\"")
    out += Array("This is an OpenPGP/MIME encrypted message (RFC 3156).\r\n--\(boundary)\r\n".utf8)
    out += Array("Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\nVersion: 1\r\n\r\n".utf8)
    out += Array("--\(boundary)\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\nContent-Description: OpenPGP encrypted message\r\nContent-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n".utf8)
    out += Self.crlf(ciphertext)
    out += Array("\r\n--\(boundary)--\r\n".utf8)
    return (out, messageID)
  }

  /// The outer subject of an encrypted mail: only the case number, nothing of the content.
  static func neutralSubject(_ subject: String) -> String {
    if let id = CaseID.first(in: subject) { return "[\(id)] ..." }
    return "..."
  }

  /// Where the first header line (Content-Type) of an entity ends, and where the rest begins.
  static func headerEnd(of entity: [UInt8]) -> (contentTypeEnd: Int, afterContentType: Int) {
    // The entities built here start with a one-line Content-Type followed by CRLF.
    let crlf = entity.firstIndex(of: 0x0D) ?? entity.count
    return (crlf, min(crlf + 2, entity.count))
  }

  private func newMessageID() -> String {
    "<\(UUID().uuidString.lowercased())@\(Self.headerSafe(domain))>"
  }

  private func headerBlock(subject: String, messageID: String, date: Date, contentType: String) -> [UInt8] {
    var head: [String] = []
    head.append("From: \(Self.headerSafe(from))")
    head.append("To: \(Self.headerSafe(to))")
    head.append("Subject: \(Self.encodedWord(subject))")
    head.append("Date: \(Self.rfc5322Date(date))")
    head.append("Message-ID: \(messageID)")
    if let inReplyTo = inReplyTo.flatMap(Self.messageIDSafe) { head.append("In-Reply-To: \(inReplyTo)") }
    let refs = references.compactMap(Self.messageIDSafe)
    if !refs.isEmpty { head.append("References: " + refs.joined(separator: "\r\n ")) }
    head.append("Auto-Submitted: auto-replied")
    head.append("MIME-Version: 1.0")
    head.append("Content-Type: \(contentType)")
    return Array((head.joined(separator: "\r\n") + "\r\n\r\n").utf8)
  }

  /// multipart/mixed: the text, then each attachment in base64.
  static func mixedEntity(_ text: String, _ attachments: [OutgoingAttachment]) -> [UInt8] {
    let boundary = "mp-mixed-" + UUID().uuidString.lowercased()
    var out = Array("Content-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n\r\n--\(boundary)\r\n".utf8)
    out += textEntity(text)
    for attachment in attachments {
      let name = headerSafe(attachment.name).replacingOccurrences(of: "\"", with: "")
      out += Array("\r\n--\(boundary)\r\nContent-Type: \(headerSafe(attachment.type)); name=\"\(name)\"\r\nContent-Disposition: attachment; filename=\"\(name)\"\r\nContent-Transfer-Encoding: base64\r\n\r\n".utf8)
      out += Array(Data(attachment.bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]).utf8)
    }
    out += Array("\r\n--\(boundary)--".utf8)
    return out
  }

  /// A text/plain entity with CRLF line ends, quoted-printable encoded.
  static func textEntity(_ text: String) -> [UInt8] {
    Array("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
      + quotedPrintable(text)
  }

  static func quotedPrintable(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
    for (number, line) in lines.enumerated() {
      var encoded: [UInt8] = []
      let bytes = Array(line.utf8)
      for (i, byte) in bytes.enumerated() {
        let isLast = i == bytes.count - 1
        let plain = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && !isLast)
        let piece: [UInt8] = plain
          ? [byte] : [UInt8(ascii: "="), HexDigits.uppercase[Int(byte >> 4)], HexDigits.uppercase[Int(byte & 0x0F)]]
        if encoded.count + piece.count > 75 {
          out += encoded + Array("=\r\n".utf8)
          encoded = []
        }
        encoded += piece
      }
      // "From " at a line start is mangled by some mbox relays.
      if encoded.starts(with: Array("From ".utf8)) { encoded.replaceSubrange(0..<1, with: Array("=46".utf8)) }
      out += encoded
      if number < lines.count - 1 { out += [0x0D, 0x0A] }
    }
    return out
  }

  static func crlf(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 40)
    var previous: UInt8 = 0
    for byte in bytes {
      if byte == 0x0A && previous != 0x0D { out.append(0x0D) }
      out.append(byte)
      previous = byte
    }
    while out.last == 0x0A || out.last == 0x0D { out.removeLast() }
    return out
  }

  /// Removes CR, LF and other control characters, so a value cannot start a new header.
  static func headerSafe(_ value: String) -> String {
    String(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
  }

  /// A Message-ID as `<…>` with only safe characters, or nil.
  static func messageIDSafe(_ value: String) -> String? {
    let trimmed = value.trimmingCharacters(in: .whitespaces)
    guard trimmed.hasPrefix("<"), trimmed.hasSuffix(">"), trimmed.count <= 250 else { return nil }
    let inner = trimmed.dropFirst().dropLast()
    guard !inner.isEmpty, inner.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != ">" }) else { return nil }
    return trimmed
  }

  /// RFC 2047 B-encoding when the text is not plain printable ASCII.
  static func encodedWord(_ text: String) -> String {
    let safe = headerSafe(text)
    if safe.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !safe.contains("=?") { return safe }
    return "=?UTF-8?B?" + Data(safe.utf8).base64EncodedString() + "?="
  }

  static func rfc5322Date(_ date: Date) -> String { UTCDate.rfc5322(date) }
}
