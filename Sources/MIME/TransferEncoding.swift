/// The `Content-Transfer-Encoding` of a part (RFC 2045 §6).
///
/// ``MIMEMessage/decodedBody(of:)`` undoes `base64` and `quoted-printable`; the identity
/// encodings and unknown ones are returned as they are.
public enum TransferEncoding: Sendable, Equatable {
  case sevenBit, eightBit, binary, quotedPrintable, base64
  /// Any other value, lower-cased (e.g. `x-uuencode`); the body is treated as not encoded.
  case other(String)

  /// Parses a field value; an absent or empty field means `7bit` (RFC 2045 §6.1).
  public static func parse(_ value: String?) -> TransferEncoding {
    guard let value else { return .sevenBit }
    var token = ASCII.trimmed(ArraySlice(value.utf8))
    if let end = token.firstIndex(where: { ASCII.isWhitespace($0) || $0 == ASCII.openParen || $0 == ASCII.semicolon }) {
      token = token[token.startIndex..<end]
    }
    switch ASCII.lowercasedString(token) {
    case "", "7bit": return .sevenBit
    case "8bit": return .eightBit
    case "binary": return .binary
    case "quoted-printable": return .quotedPrintable
    case "base64": return .base64
    case let other: return .other(other)
    }
  }

  /// Whether the body bytes in the message are the content itself, not an encoding of it.
  public var isIdentity: Bool {
    switch self {
    case .sevenBit, .eightBit, .binary: true
    case .quotedPrintable, .base64, .other: false
    }
  }
}
