/// One entity of a parsed message (RFC 2045 §2.4): the root, a body part of a multipart, or the
/// root of an embedded `message/rfc822`.
///
/// A part records byte ranges into ``MIMEMessage/bytes`` instead of copies, so the OpenPGP code
/// can verify a `multipart/signed` signature over exactly the signed bytes (RFC 3156 §5) and the
/// gateway can record which bytes a signature or encryption covered.
public struct MIMEPart: Sendable, Equatable {
  /// Where the part sits: `/` for the root, `/1` for its first child, `/1/2` for that child's
  /// second child. An embedded message's root is child 1 of its `message/rfc822` part.
  public let path: String
  public let headers: Headers
  /// The parsed `Content-Type`; without one, `text/plain; charset=us-ascii`, or `message/rfc822`
  /// for a part of a `multipart/digest` (RFC 2045 §5.2, RFC 2046 §5.1.5).
  public let contentType: ContentType
  public let transferEncoding: TransferEncoding
  public let disposition: ContentDisposition?
  /// The whole part, headers and body, in ``MIMEMessage/bytes``. For a body part it starts after
  /// the delimiter line and ends before the line break that precedes the next delimiter, which
  /// belongs to the delimiter (RFC 2046 §5.1.1).
  public let range: Range<Int>
  /// The header fields, without the empty line that ends them.
  public let headerRange: Range<Int>
  /// The body after the empty line; empty when the part has no empty line (it is all headers).
  public let bodyRange: Range<Int>
  /// The body parts of a multipart, or the one embedded root of a `message/rfc822` part sent
  /// in an identity transfer encoding. Empty for other parts, and for a multipart without a
  /// boundary parameter or without any delimiter line, which is kept as one opaque part.
  public let children: [MIMEPart]
  /// For a multipart with delimiters, the text before the first delimiter line (without the
  /// line break that belongs to the delimiter); it may be empty. Nil for other parts.
  /// Text here is outside every body part, so no signature or encryption of a part covers it.
  public let preamble: Range<Int>?
  /// For a multipart with a close delimiter, the text after the close delimiter line; it may be
  /// empty. Nil for other parts, and when the close delimiter is missing.
  public let epilogue: Range<Int>?

  init(
    path: String, headers: Headers, contentType: ContentType, transferEncoding: TransferEncoding,
    disposition: ContentDisposition?, range: Range<Int>, headerRange: Range<Int>, bodyRange: Range<Int>,
    children: [MIMEPart], preamble: Range<Int>?, epilogue: Range<Int>?
  ) {
    self.path = path
    self.headers = headers
    self.contentType = contentType
    self.transferEncoding = transferEncoding
    self.disposition = disposition
    self.range = range
    self.headerRange = headerRange
    self.bodyRange = bodyRange
    self.children = children
    self.preamble = preamble
    self.epilogue = epilogue
  }

  /// The disposition `filename`, else the Content-Type `name` (used by older clients).
  public var filename: String? { disposition?.filename ?? contentType["name"] }

  /// Whether the media type is `multipart/*`, whether or not delimiters were found.
  public var isMultipart: Bool { contentType.type == "multipart" }
}
