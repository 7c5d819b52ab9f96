/// An OpenPGP key fingerprint (or, when only that is known, a key ID), upper-case hex.
public struct Fingerprint: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
  public let hex: String

  public init(_ text: String) {
    hex = String(text.uppercased().unicodeScalars.filter { ("0"..."9").contains($0) || ("A"..."F").contains($0) }.map(Character.init))
  }

  public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
  public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(hex) }

  /// Whether this is a full fingerprint rather than a 16-digit key ID.
  public var isFull: Bool { hex.count >= 40 }
  /// The 64-bit key ID: the last 16 digits.
  public var keyID: String { String(hex.suffix(16)) }

  /// Whether both name the same key (a key ID matches the fingerprint that ends with it).
  public func matches(_ other: Fingerprint) -> Bool {
    if isFull && other.isFull { return hex == other.hex }
    return keyID == other.keyID
  }

  public var description: String { hex }
  public static func < (a: Fingerprint, b: Fingerprint) -> Bool { a.hex < b.hex }
}
