import Foundation

/// Builds the mails a reporter's client would send to the gateway: RFC 5322
/// with CRLF line ends, in the OpenPGP shapes seen in the wild.
///
/// - PGP/MIME encrypted (RFC 3156 §4): `multipart/encrypted` whose OpenPGP
///   message holds a MIME entity, optionally signed inside (§6.2, "signed
///   and encrypted in one", as Thunderbird does).
/// - Inline PGP: a `text/plain` body that is one armored PGP MESSAGE block.
/// - PGP/MIME signed in the clear (RFC 3156 §5): `multipart/signed`.
/// - Plain, unprotected mail.
public enum ReportMail {
  /// A PGP/MIME encrypted mail. The recipient's public key must be in `home`;
  /// with `signer`, that secret key must be there too.
  public static func pgpMIMEEncrypted(
    from: String, to: String, subject: String, body: String, messageID: String? = nil,
    recipientKey: String, signer: String?, home: GnuPGHome, signerPassphrase: String? = nil,
    date: Date = Date()
  ) throws -> [UInt8] {
    let inner =
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      + MailText.crlf(body)
    let armored = try home.encrypt(
      Array(inner.utf8), to: [recipientKey], signer: signer, signerPassphrase: signerPassphrase)
    let boundary = MailText.boundary()
    let headers = MailText.headers(
      from: from, to: to, subject: subject, messageID: messageID, date: date,
      contentType:
        "multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n boundary=\"\(boundary)\"")
    let text =
      headers
      + "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n"
      + "--\(boundary)\r\n"
      + "Content-Type: application/pgp-encrypted\r\n"
      + "Content-Description: PGP/MIME version identification\r\n"
      + "\r\n"
      + "Version: 1\r\n"
      + "\r\n"
      + "--\(boundary)\r\n"
      + "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
      + "Content-Description: OpenPGP encrypted message\r\n"
      + "Content-Disposition: inline; filename=\"encrypted.asc\"\r\n"
      + "\r\n"
      + MailText.crlf(String(decoding: armored, as: UTF8.self))
      + "\r\n--\(boundary)--\r\n"
    return Array(text.utf8)
  }

  /// An inline-PGP mail: `text/plain` whose body is an armored PGP MESSAGE
  /// of `body` (signed inside when `signer` is given).
  public static func inlineEncrypted(
    from: String, to: String, subject: String, body: String, messageID: String? = nil,
    recipientKey: String, signer: String?, home: GnuPGHome, signerPassphrase: String? = nil,
    date: Date = Date()
  ) throws -> [UInt8] {
    let armored = try home.encrypt(
      Array(MailText.crlf(body).utf8), to: [recipientKey], signer: signer,
      signerPassphrase: signerPassphrase)
    let headers = MailText.headers(
      from: from, to: to, subject: subject, messageID: messageID, date: date,
      contentType: "text/plain; charset=us-ascii", transferEncoding: "7bit")
    return Array((headers + MailText.crlf(String(decoding: armored, as: UTF8.self))).utf8)
  }

  /// A `multipart/signed` mail in the clear. The signature covers the first
  /// part, headers included, with CRLF line ends, up to (not including) the
  /// CRLF before the next boundary; `micalg` names the hash gpg really used.
  /// The body is quoted-printable when needed, since signed data must
  /// survive 7-bit transport unchanged (RFC 3156 §3).
  public static func pgpMIMESigned(
    from: String, to: String, subject: String, body: String, messageID: String? = nil,
    signer: String, home: GnuPGHome, signerPassphrase: String? = nil, date: Date = Date()
  ) throws -> [UInt8] {
    let signedPart = signedEntity(body: body)
    let (signature, micalg) = try home.detachSign(
      Array(signedPart.utf8), signer: signer, passphrase: signerPassphrase)
    let boundary = MailText.boundary()
    let headers = MailText.headers(
      from: from, to: to, subject: subject, messageID: messageID, date: date,
      contentType:
        "multipart/signed; micalg=\(micalg);\r\n protocol=\"application/pgp-signature\";\r\n boundary=\"\(boundary)\""
    )
    let text =
      headers
      + "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n"
      + "--\(boundary)\r\n"
      + signedPart
      + "\r\n--\(boundary)\r\n"
      + "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
      + "Content-Description: OpenPGP digital signature\r\n"
      + "Content-Disposition: attachment; filename=\"signature.asc\"\r\n"
      + "\r\n"
      + MailText.crlf(String(decoding: signature, as: UTF8.self))
      + "\r\n--\(boundary)--\r\n"
    return Array(text.utf8)
  }

  /// An unprotected `text/plain` mail.
  public static func plain(
    from: String, to: String, subject: String, body: String, messageID: String? = nil,
    date: Date = Date()
  ) -> [UInt8] {
    let headers = MailText.headers(
      from: from, to: to, subject: subject, messageID: messageID, date: date,
      contentType: "text/plain; charset=utf-8", transferEncoding: "8bit")
    return Array((headers + MailText.crlf(body)).utf8)
  }

  /// The exact bytes a `multipart/signed` mail from `pgpMIMESigned` signs,
  /// for tests that check the signature independently.
  public static func signedEntity(body: String) -> String {
    let crlfBody = MailText.crlf(body)
    if MailText.needsQuotedPrintable(crlfBody) {
      return
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + MailText.quotedPrintable(crlfBody)
    }
    return "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
      + crlfBody
  }
}
