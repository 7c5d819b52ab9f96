/// One header field of a message or body part (RFC 5322 §2.2), kept byte-exact.
///
/// The raw value is kept because signatures and audits need the bytes as sent; the unfolded
/// and decoded forms are computed on demand for display and matching.
public struct HeaderField: Sendable, Equatable {
  /// The field name as written (case preserved).
  public let name: String
  /// The bytes after the colon up to the end of the field, folding line breaks included and the
  /// final line break excluded.
  public let rawValue: [UInt8]

  public init(name: String, rawValue: [UInt8]) {
    self.name = name
    self.rawValue = rawValue
  }

  /// The value with folding removed (RFC 5322 §2.2.3) and surrounding white space trimmed,
  /// read as UTF-8 (RFC 6532) with invalid bytes replaced by U+FFFD.
  public var unfoldedValue: String { String(decoding: unfoldedBytes, as: UTF8.self) }

  /// ``unfoldedValue`` with RFC 2047 encoded words decoded.
  public var decodedValue: String { EncodedWords.decode(unfoldedBytes) }

  /// The value bytes with every CR and LF removed and surrounding white space trimmed.
  var unfoldedBytes: [UInt8] {
    let kept = rawValue.filter { $0 != ASCII.cr && $0 != ASCII.lf }
    return Array(ASCII.trimmed(kept[...]))
  }
}
