/// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`) in an unfolded header value.
///
/// Subjects and display names of reports arrive in every charset, so each word is converted
/// with ``Charset``. Encoded words separated only by white space are joined (RFC 2047 §6.2), and
/// consecutive words in the same charset are converted together, so a multi-byte character
/// split across two words survives. Anything that is not a well-formed encoded word is kept as
/// written. Words inside other text (`foo=?utf-8?q?bar?=`) are decoded too, as most clients do.
enum EncodedWords {
  private enum Token {
    case text([UInt8])
    case word(charset: String, bytes: [UInt8])
  }

  static func decode(_ value: [UInt8]) -> String {
    var tokens: [Token] = []
    var text: [UInt8] = []
    var index = 0
    while index < value.count {
      if value[index] == ASCII.equals, let (word, end) = parseWord(value, at: index) {
        if !text.isEmpty {
          tokens.append(.text(text))
          text = []
        }
        tokens.append(word)
        index = end
      } else {
        text.append(value[index])
        index += 1
      }
    }
    if !text.isEmpty { tokens.append(.text(text)) }
    guard tokens.contains(where: { if case .word = $0 { true } else { false } }) else {
      return String(decoding: value, as: UTF8.self)
    }

    var result = ""
    var run: (charset: String, bytes: [UInt8])?
    for (position, token) in tokens.enumerated() {
      switch token {
      case let .word(charset, bytes):
        if let current = run, current.charset == charset {
          run?.bytes.append(contentsOf: bytes)
        } else {
          if let current = run { result += Charset.decode(current.bytes, charset: current.charset) }
          run = (charset, bytes)
        }
      case let .text(bytes):
        let betweenWords = position > 0 && position + 1 < tokens.count
          && isWord(tokens[position - 1]) && isWord(tokens[position + 1])
        if betweenWords && bytes.allSatisfy(ASCII.isWhitespace) { continue }
        if let current = run {
          result += Charset.decode(current.bytes, charset: current.charset)
          run = nil
        }
        result += String(decoding: bytes, as: UTF8.self)
      }
    }
    if let current = run { result += Charset.decode(current.bytes, charset: current.charset) }
    return result
  }

  private static func isWord(_ token: Token) -> Bool {
    if case .word = token { true } else { false }
  }

  /// The encoded word starting at `start` and the index after it, or nil if it is malformed.
  /// Each scan stops at the next `?` or white space, so scanning a whole value stays linear.
  private static func parseWord(_ value: [UInt8], at start: Int) -> (Token, Int)? {
    guard start + 1 < value.count, value[start + 1] == ASCII.question else { return nil }
    let charsetStart = start + 2
    var index = charsetStart
    while index < value.count, value[index] != ASCII.question {
      let byte = value[index]
      guard byte > ASCII.space, byte < 0x7F, byte != ASCII.equals else { return nil }
      index += 1
    }
    guard index < value.count, index > charsetStart, index + 2 < value.count,
      value[index + 2] == ASCII.question
    else { return nil }
    let encoding = ASCII.lowercased(value[index + 1])
    guard encoding == 0x62 || encoding == 0x71 else { return nil }  // "b" or "q"
    var charsetBytes = value[charsetStart..<index]
    if let star = charsetBytes.firstIndex(of: ASCII.asterisk) {  // RFC 2231 §5 language suffix
      charsetBytes = charsetBytes[charsetBytes.startIndex..<star]
    }
    guard !charsetBytes.isEmpty else { return nil }
    let textStart = index + 3
    index = textStart
    while index < value.count, value[index] != ASCII.question {
      guard !ASCII.isWhitespace(value[index]) else { return nil }
      index += 1
    }
    guard index + 1 < value.count, value[index + 1] == ASCII.equals else { return nil }
    let text = value[textStart..<index]
    let bytes = encoding == 0x62 ? Base64Decoding.decode(text) : QuotedPrintable.decodeEncodedWord(text)
    return (.word(charset: ASCII.lowercasedString(charsetBytes), bytes: bytes), index + 2)
  }
}
