/// A parsed mail message (RFC 5322, MIME per RFC 2045–2049), holding its bytes and part tree.
///
/// Parsing never copies bodies: every ``MIMEPart`` refers to ``bytes`` by range, and decoding
/// happens on request. The parser is tolerant of malformed mail (it must accept what real
/// clients send) and bounded by ``MIMELimits`` (it must survive what attackers send).
public struct MIMEMessage: Sendable, Equatable {
  /// The message as given, except that a leading mbox `From ` line (as in `.mbox` files) is
  /// removed: `bytes` then starts after that line, and all ranges refer to these bytes.
  /// `>From ` quoting in the body is not undone.
  public let bytes: [UInt8]
  public let root: MIMEPart

  public var headers: Headers { root.headers }

  /// Parses a message given as CRLF or LF text.
  ///
  /// Throws ``MIMEError/tooLarge(bytes:limit:)``, ``MIMEError/headerTooLarge(limit:)``,
  /// ``MIMEError/tooManyParts(limit:)`` or ``MIMEError/tooDeep(limit:)`` when a limit is
  /// exceeded, and ``MIMEError/notAMessage(_:)`` for empty input or a root header block in which
  /// no field could be read. A message that starts with an empty line (a MIME entity without
  /// headers) is accepted.
  public static func parse(_ bytes: [UInt8], limits: MIMELimits = .default) throws(MIMEError) -> MIMEMessage {
    guard bytes.count <= limits.maxMessageBytes else {
      throw .tooLarge(bytes: bytes.count, limit: limits.maxMessageBytes)
    }
    let message = withoutMboxFromLine(bytes)
    guard !message.isEmpty else { throw .notAMessage("the input is empty") }
    let root = try message.withUnsafeBufferPointer { buffer throws(MIMEError) -> MIMEPart in
      var parser = MIMEParser(buffer: buffer, limits: limits)
      return try parser.parseTree()
    }
    guard !root.headers.fields.isEmpty || root.headerRange.isEmpty else {
      throw .notAMessage("no header field could be read")
    }
    return MIMEMessage(bytes: message, root: root)
  }

  /// Removes a first line `From sender date` (mbox framing), but not a `From :` header field.
  static func withoutMboxFromLine(_ bytes: [UInt8]) -> [UInt8] {
    let prefix = Array("From ".utf8)
    guard bytes.starts(with: prefix) else { return bytes }
    var index = prefix.count
    while index < bytes.count, ASCII.isWSP(bytes[index]) { index += 1 }
    if index < bytes.count, bytes[index] == ASCII.colon { return bytes }
    guard let lf = bytes.firstIndex(of: ASCII.lf) else { return [] }
    return Array(bytes[(lf + 1)...])
  }

  /// Exactly the bytes of `part`: its headers and body.
  public func rawBytes(of part: MIMEPart) -> ArraySlice<UInt8> {
    bytes[clamped(part.range)]
  }

  /// The bytes of `part` with every line break as CRLF (a lone LF becomes CRLF, CRLF stays).
  /// This is the canonical form an RFC 3156 `multipart/signed` signature is computed over.
  public func canonicalBytes(of part: MIMEPart) -> [UInt8] {
    let range = clamped(part.range)
    return bytes.withUnsafeBufferPointer { buffer in
      var output: [UInt8] = []
      output.reserveCapacity(range.count + range.count / 32 + 2)
      var start = range.lowerBound
      while let lf = buffer.firstIndex(of: ASCII.lf, from: start, to: range.upperBound) {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<lf]))
        if lf == range.lowerBound || buffer[lf - 1] != ASCII.cr { output.append(ASCII.cr) }
        output.append(ASCII.lf)
        start = lf + 1
      }
      if start < range.upperBound {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<range.upperBound]))
      }
      return output
    }
  }

  /// The body of `part` with its Content-Transfer-Encoding undone (base64 and quoted-printable;
  /// other encodings are returned as they are). Bad encoding is decoded as well as possible.
  public func decodedBody(of part: MIMEPart) -> [UInt8] {
    let body = bytes[clamped(part.bodyRange)]
    switch part.transferEncoding {
    case .base64: return Base64Decoding.decode(body)
    case .quotedPrintable: return QuotedPrintable.decode(body)
    case .sevenBit, .eightBit, .binary, .other: return Array(body)
    }
  }

  /// The decoded body of `part` as text in its declared charset (see ``Charset``).
  public func text(of part: MIMEPart) -> String {
    Charset.decode(decodedBody(of: part), charset: part.contentType["charset"])
  }

  /// The part at `path` (as in ``MIMEPart/path``), or nil if there is none.
  public func part(at path: String) -> MIMEPart? {
    guard path.hasPrefix("/") else { return nil }
    var part = root
    for component in path.split(separator: "/") {
      guard let number = Int(component), number >= 1, number <= part.children.count else { return nil }
      part = part.children[number - 1]
    }
    return part
  }

  /// Every part, depth first, root first.
  public var allParts: [MIMEPart] {
    var result: [MIMEPart] = []
    var stack = [root]
    while let part = stack.popLast() {
      result.append(part)
      stack.append(contentsOf: part.children.reversed())
    }
    return result
  }

  /// `range` limited to `bytes`, so a part from another message can't index out of bounds.
  private func clamped(_ range: Range<Int>) -> Range<Int> {
    range.clamped(to: 0..<bytes.count)
  }
}
