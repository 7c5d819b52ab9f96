/// The header fields of a message or body part, in order.
///
/// Field names compare case-insensitively (RFC 5322 §1.2.2). Repeated fields are all kept,
/// because a duplicated `From` or `Content-Type` is itself a sign of a forged message.
public struct Headers: Sendable, Equatable {
  public let fields: [HeaderField]

  public init(fields: [HeaderField]) {
    self.fields = fields
  }

  /// The decoded value of the first field called `name`.
  public subscript(name: String) -> String? {
    first(name)?.decodedValue
  }

  /// The first field called `name`.
  public func first(_ name: String) -> HeaderField? {
    fields.first { ASCII.equalsIgnoringCase($0.name, name) }
  }

  /// Every field called `name`, in message order.
  public func all(_ name: String) -> [HeaderField] {
    fields.filter { ASCII.equalsIgnoringCase($0.name, name) }
  }

  public func contains(_ name: String) -> Bool {
    first(name) != nil
  }
}

extension Headers {
  /// Parses the fields in `range` of `buffer` (a header block without its terminating empty
  /// line). Lines that are neither `name:` nor a continuation are skipped, and they end the
  /// field before them, so each ``HeaderField/rawValue`` is one contiguous byte range.
  static func parse(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Headers {
    var fields: [HeaderField] = []
    var current: (name: String, valueStart: Int, valueEnd: Int)?
    func finish() {
      if let field = current {
        let end = Swift.max(field.valueStart, field.valueEnd)
        fields.append(HeaderField(name: field.name, rawValue: Array(buffer[field.valueStart..<end])))
        current = nil
      }
    }
    var lineStart = range.lowerBound
    while lineStart < range.upperBound {
      let (contentEnd, next) = buffer.line(from: lineStart, to: range.upperBound)
      defer { lineStart = next }
      guard contentEnd > lineStart else {
        finish()
        continue
      }
      if ASCII.isWSP(buffer[lineStart]) {
        if current != nil { current?.valueEnd = contentEnd }
        continue
      }
      finish()
      guard let colon = buffer.firstIndex(of: ASCII.colon, from: lineStart, to: contentEnd) else { continue }
      var nameEnd = colon
      while nameEnd > lineStart, ASCII.isWSP(buffer[nameEnd - 1]) { nameEnd -= 1 }
      let nameBytes = buffer[lineStart..<nameEnd]
      guard !nameBytes.isEmpty, nameBytes.allSatisfy({ $0 > ASCII.space && $0 < 0x7F }) else { continue }
      current = (String(decoding: nameBytes, as: UTF8.self), colon + 1, contentEnd)
    }
    finish()
    return Headers(fields: fields)
  }
}
