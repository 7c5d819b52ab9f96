extension Sequence<UInt8> {
  /// Lowercase hexadecimal, two digits a byte. (`String(format: "%02x")` per byte was half
  /// the cost of hashing each mail.)
  var lowercaseHex: String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(underestimatedCount * 2)
    for byte in self {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
