/// A parsed `Content-Type` field (RFC 2045 §5): media type, subtype and parameters.
///
/// The media type decides how the gateway treats a part (`multipart/signed`,
/// `multipart/encrypted`, `application/pgp-encrypted` per RFC 3156), so it is normalised to
/// lower case. A field whose media type is not `type/subtype` reads as `text/plain`, as RFC 2045
/// §5.2 prescribes; its parameters are still kept.
public struct ContentType: Sendable, Equatable {
  /// The top-level media type, lower-cased, e.g. `multipart`.
  public let type: String
  /// The subtype, lower-cased, e.g. `signed`.
  public let subtype: String
  /// Parameters with lower-cased names and decoded values (quoted strings unquoted, RFC 2231
  /// continuations joined and charset-decoded).
  public let parameters: [String: String]

  public init(type: String, subtype: String, parameters: [String: String] = [:]) {
    self.type = type.lowercased()
    self.subtype = subtype.lowercased()
    self.parameters = Dictionary(parameters.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
  }

  /// `type/subtype`, e.g. `text/plain`.
  public var mimeType: String { "\(type)/\(subtype)" }

  /// The value of a parameter; the name is case-insensitive.
  public subscript(parameter: String) -> String? {
    parameters[parameter.lowercased()]
  }

  /// The implicit type of a part without `Content-Type` (RFC 2045 §5.2).
  public static let defaultPlain = ContentType(type: "text", subtype: "plain", parameters: ["charset": "us-ascii"])

  /// The implicit type of a part of a `multipart/digest` (RFC 2046 §5.1.5).
  public static let defaultDigestPart = ContentType(type: "message", subtype: "rfc822")

  /// Parses a field value such as `text/plain; charset="utf-8"`. Never fails.
  public static func parse(_ value: String) -> ContentType {
    parse(bytes: Array(value.utf8))
  }

  static func parse(bytes: [UInt8]) -> ContentType {
    let (mediaType, parameters) = Parameters.parse(bytes)
    let trimmed = ASCII.trimmed(mediaType)
    guard let slash = trimmed.firstIndex(of: ASCII.slash) else {
      return ContentType(type: "text", subtype: "plain", parameters: parameters)
    }
    let type = trimmed[trimmed.startIndex..<slash]
    var subtype = trimmed[(slash + 1)...]
    if let end = subtype.firstIndex(where: { ASCII.isWhitespace($0) || $0 == ASCII.openParen }) {
      subtype = subtype[subtype.startIndex..<end]
    }
    guard isToken(type), isToken(subtype) else {
      return ContentType(type: "text", subtype: "plain", parameters: parameters)
    }
    return ContentType(
      type: ASCII.lowercasedString(type), subtype: ASCII.lowercasedString(subtype), parameters: parameters)
  }

  /// RFC 2045 §5.1 `token`: printable ASCII except space and tspecials.
  static func isToken(_ bytes: ArraySlice<UInt8>) -> Bool {
    !bytes.isEmpty && bytes.allSatisfy { byte in
      byte > ASCII.space && byte < 0x7F && !tspecials.contains(byte)
    }
  }

  private static let tspecials: Set<UInt8> = Set("()<>@,;:\\\"/[]?=".utf8)
}
