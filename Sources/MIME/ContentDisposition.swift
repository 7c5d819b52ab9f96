/// A parsed `Content-Disposition` field (RFC 2183): `inline` or `attachment`, and parameters.
///
/// It carries the attachment file name (RFC 2183 §2.3) that reports' files are listed under.
public struct ContentDisposition: Sendable, Equatable {
  /// The disposition type, lower-cased; usually `inline` or `attachment`. An empty type reads
  /// as `attachment`, as RFC 2183 §2.8 says unknown types should.
  public let kind: String
  /// Parameters with lower-cased names and decoded values, as in ``ContentType/parameters``.
  public let parameters: [String: String]

  public init(kind: String, parameters: [String: String] = [:]) {
    self.kind = kind.lowercased()
    self.parameters = Dictionary(parameters.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
  }

  /// The `filename` parameter.
  public var filename: String? { parameters["filename"] }

  public var isAttachment: Bool { kind == "attachment" }

  /// Parses a field value such as `attachment; filename="report.txt"`. Never fails.
  public static func parse(_ value: String) -> ContentDisposition {
    parse(bytes: Array(value.utf8))
  }

  static func parse(bytes: [UInt8]) -> ContentDisposition {
    let (kind, parameters) = Parameters.parse(bytes)
    var token = ASCII.trimmed(kind)
    if let end = token.firstIndex(where: { ASCII.isWhitespace($0) || $0 == ASCII.openParen }) {
      token = token[token.startIndex..<end]
    }
    return ContentDisposition(kind: token.isEmpty ? "attachment" : ASCII.lowercasedString(token), parameters: parameters)
  }
}
