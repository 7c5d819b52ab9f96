/// Hexadecimal digits as UTF-8, for encoders on hot paths: `String(format: "%02x")` per byte
/// was half the cost of hashing each mail, and most of quoted-printable encoding's.
enum HexDigits {
  static let lowercase = Array("0123456789abcdef".utf8)
  static let uppercase = Array("0123456789ABCDEF".utf8)
}

extension Sequence<UInt8> {
  /// Lowercase hexadecimal, two digits a byte.
  var lowercaseHex: String {
    var out: [UInt8] = []
    out.reserveCapacity(underestimatedCount * 2)
    for byte in self {
      out.append(HexDigits.lowercase[Int(byte >> 4)])
      out.append(HexDigits.lowercase[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
