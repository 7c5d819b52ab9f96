import Foundation

/// RFC 5322 / RFC 2045–2047 text helpers for `ReportMail`.
enum MailText {
  /// Header block (ending in the blank line) with Date, From, To, Subject,
  /// Message-ID and MIME headers.
  static func headers(
    from: String, to: String, subject: String, messageID: String?, date: Date, contentType: String,
    transferEncoding: String? = nil
  ) -> String {
    var lines = [
      "Date: \(rfc5322Date(date))",
      "From: \(address(from))",
      "To: \(address(to))",
      "Subject: \(encodedWords(subject))",
      "Message-ID: \(normalizedMessageID(messageID, from: from))",
      "MIME-Version: 1.0",
      "Content-Type: \(contentType)",
    ]
    if let transferEncoding { lines.append("Content-Transfer-Encoding: \(transferEncoding)") }
    return lines.joined(separator: "\r\n") + "\r\n\r\n"
  }

  /// Normalizes all line ends to CRLF and makes the text end with one.
  static func crlf(_ text: String) -> String {
    var lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(
      of: "\r", with: "\n"
    )
    .components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return lines.map { $0 + "\r\n" }.joined()
  }

  static func boundary() -> String {
    "------------mp\(Secret.hex(bytes: 12))"
  }

  /// "Tue, 05 Mar 2024 09:07:01 +0000" (RFC 5322 §3.3), always in UTC.
  static func rfc5322Date(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
    return formatter.string(from: date)
  }

  /// `<id>`: the given id wrapped in angle brackets if needed, or a new one
  /// at the sender's domain.
  static func normalizedMessageID(_ messageID: String?, from: String) -> String {
    if let messageID {
      return messageID.hasPrefix("<") ? messageID : "<\(messageID)>"
    }
    let domain =
      from.split(separator: "@").last.map { $0.filter { $0 != ">" && $0 != " " } } ?? "example.org"
    return "<\(UUID().uuidString.lowercased())@\(domain.isEmpty ? "example.org" : domain)>"
  }

  /// An address header value; a non-ASCII display name ("Zoë <z@x>") becomes
  /// an RFC 2047 encoded word, the address itself stays as it is.
  static func address(_ value: String) -> String {
    guard !value.allSatisfy(\.isASCII), let open = value.lastIndex(of: "<") else { return value }
    let name = value[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(
      in: CharacterSet(charactersIn: "\""))
    return "\(encodedWords(name)) \(value[open...])"
  }

  /// RFC 2047 "B" encoded words for non-ASCII text, each at most 75
  /// characters, folded onto continuation lines; ASCII text is unchanged.
  static func encodedWords(_ text: String) -> String {
    if text.allSatisfy(\.isASCII) { return text }
    var words: [[UInt8]] = []
    var chunk: [UInt8] = []
    for character in text {
      let bytes = Array(String(character).utf8)
      // 45 bytes → 60 base64 characters + "=?utf-8?B?" + "?=" = 72
      if chunk.count + bytes.count > 45 {
        words.append(chunk)
        chunk = []
      }
      chunk += bytes
    }
    if !chunk.isEmpty { words.append(chunk) }
    return words.map { "=?utf-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
  }

  /// True when CRLF text is not safe as 7bit inside signed data: non-ASCII,
  /// trailing white space (transports strip it), lines over 76 characters
  /// or starting with "From " (mbox quoting).
  static func needsQuotedPrintable(_ text: String) -> Bool {
    for line in text.components(separatedBy: "\r\n") {
      if !line.allSatisfy(\.isASCII) || line.hasSuffix(" ") || line.hasSuffix("\t")
        || line.utf8.count > 76
        || line.hasPrefix("From ")
      {
        return true
      }
    }
    return false
  }

  /// Quoted-printable (RFC 2045 §6.7) of CRLF text, keeping its line breaks.
  static func quotedPrintable(_ text: String) -> String {
    var lines = text.components(separatedBy: "\r\n")
    if lines.last == "" { lines.removeLast() }
    return lines.map { line -> String in
      let bytes = Array(line.utf8)
      var encoded: [String] = []
      for (index, byte) in bytes.enumerated() {
        let isLast = index == bytes.count - 1
        let literal =
          (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
          || ((byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && !isLast)
        let atLineStartFrom = index == 0 && line.hasPrefix("From ")
        encoded.append(
          literal && !atLineStartFrom ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte))
      }
      // Soft line breaks keep every encoded line at most 76 characters.
      var output = ""
      var width = 0
      for piece in encoded {
        if width + piece.count > 75 {
          output += "=\r\n"
          width = 0
        }
        output += piece
        width += piece.count
      }
      return output + "\r\n"
    }.joined()
  }
}
