/// Quoted-printable decoding (RFC 2045 §6.7) for bodies and, with ``decodeEncodedWord(_:)``,
/// for RFC 2047 "Q" encoded words.
///
/// Decoding is tolerant, as RFC 2045 §6.7 note (1)–(4) recommends: an `=` not followed by two hex
/// digits is kept literally, lower-case hex is accepted, and white space before a line break is
/// dropped because transports may add it. A trailing `=` is a soft line break. Line breaks are
/// kept as written (CRLF or LF). The OpenPGP module uses this for inline-PGP mail.
public enum QuotedPrintable {
  /// The bytes encoded in a quoted-printable body.
  public static func decode(_ encoded: some Collection<UInt8>) -> [UInt8] {
    let input = Array(encoded)
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    var lineStart = 0
    while lineStart < input.count {
      var next = lineStart
      while next < input.count, input[next] != ASCII.lf { next += 1 }
      let hasBreak = next < input.count
      var contentEnd = next
      var breakStart = next
      if hasBreak, contentEnd > lineStart, input[contentEnd - 1] == ASCII.cr {
        contentEnd -= 1
        breakStart = contentEnd
      }
      while contentEnd > lineStart, ASCII.isWSP(input[contentEnd - 1]) { contentEnd -= 1 }
      var softBreak = false
      if contentEnd > lineStart, input[contentEnd - 1] == ASCII.equals {
        contentEnd -= 1
        softBreak = true
      }
      decodeEscapes(input, lineStart..<contentEnd, into: &output, underscoreIsSpace: false)
      if hasBreak {
        if !softBreak { output.append(contentsOf: input[breakStart...next]) }
        lineStart = next + 1
      } else {
        lineStart = input.count
      }
    }
    return output
  }

  /// The bytes of the text of an RFC 2047 "Q" encoded word (§4.2): like quoted-printable, but
  /// `_` stands for a space and there are no line breaks.
  public static func decodeEncodedWord(_ encoded: some Collection<UInt8>) -> [UInt8] {
    let input = Array(encoded)
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    decodeEscapes(input, 0..<input.count, into: &output, underscoreIsSpace: true)
    return output
  }

  private static func decodeEscapes(
    _ input: [UInt8], _ range: Range<Int>, into output: inout [UInt8], underscoreIsSpace: Bool
  ) {
    var index = range.lowerBound
    while index < range.upperBound {
      let byte = input[index]
      if byte == ASCII.equals, index + 2 < range.upperBound,
        let high = ASCII.hexValue(input[index + 1]), let low = ASCII.hexValue(input[index + 2])
      {
        output.append(high << 4 | low)
        index += 3
      } else {
        output.append(underscoreIsSpace && byte == ASCII.underscore ? ASCII.space : byte)
        index += 1
      }
    }
  }
}
