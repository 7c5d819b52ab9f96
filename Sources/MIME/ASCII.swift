/// Byte constants and classifiers for the ASCII syntax of RFC 5322 and RFC 2045.
///
/// The parser works on raw bytes, never on `String`, so that 50 MB bodies are scanned at
/// memory speed and invalid UTF-8 can't change where a line or a delimiter is found.
enum ASCII {
  static let tab: UInt8 = 0x09
  static let lf: UInt8 = 0x0A
  static let cr: UInt8 = 0x0D
  static let space: UInt8 = 0x20
  static let quote: UInt8 = 0x22
  static let percent: UInt8 = 0x25
  static let apostrophe: UInt8 = 0x27
  static let openParen: UInt8 = 0x28
  static let closeParen: UInt8 = 0x29
  static let asterisk: UInt8 = 0x2A
  static let hyphen: UInt8 = 0x2D
  static let slash: UInt8 = 0x2F
  static let colon: UInt8 = 0x3A
  static let semicolon: UInt8 = 0x3B
  static let equals: UInt8 = 0x3D
  static let question: UInt8 = 0x3F
  static let backslash: UInt8 = 0x5C
  static let underscore: UInt8 = 0x5F

  /// Space or horizontal tab: the white space that folds header lines (RFC 5322 §2.2.3).
  @inline(__always)
  static func isWSP(_ byte: UInt8) -> Bool { byte == space || byte == tab }

  /// White space including line-break bytes, for trimming values that may still hold folds.
  @inline(__always)
  static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == cr || byte == lf }

  @inline(__always)
  static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  @inline(__always)
  static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

  /// The value of one hexadecimal digit, either case, or nil.
  @inline(__always)
  static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte &- 0x30
    case 0x41...0x46: byte &- 0x37
    case 0x61...0x66: byte &- 0x57
    default: nil
    }
  }

  /// Compares two ASCII strings ignoring case, as header field names are compared (RFC 5322 §1.2.2).
  static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
    let a = lhs.utf8, b = rhs.utf8
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { lowercased($0) == lowercased($1) }
  }

  /// Bytes with leading and trailing white space (including CR and LF) removed.
  static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var lower = bytes.startIndex, upper = bytes.endIndex
    while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
    while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
    return bytes[lower..<upper]
  }

  /// Lower-cased ASCII string of the bytes (non-ASCII bytes decode as replacement characters).
  static func lowercasedString(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes.map(lowercased), as: UTF8.self)
  }
}
