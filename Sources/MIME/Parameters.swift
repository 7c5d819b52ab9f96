/// Parses the `value; name=value; …` syntax shared by Content-Type and Content-Disposition
/// (RFC 2045 §5.1, RFC 2183 §2), including RFC 2231 parameter value continuations and
/// charset/language encoding.
///
/// Attachment names decide how a report's files are stored and shown, and clients encode them
/// in every way the RFCs allow (and a few they don't: RFC 2047 words inside quoted names,
/// unquoted names with spaces). Parsing is therefore tolerant and never fails: broken
/// parameters are skipped, the first of duplicate parameters wins, and RFC 2231 forms win
/// over plain ones.
enum Parameters {
  /// The leading value (media type or disposition kind) and the parameters, names lower-cased.
  static func parse(_ bytes: [UInt8]) -> (value: ArraySlice<UInt8>, parameters: [String: String]) {
    let valueEnd = bytes.firstIndex(of: ASCII.semicolon) ?? bytes.count
    var collected = Collected()
    var index = valueEnd
    while index < bytes.count {
      while index < bytes.count, ASCII.isWhitespace(bytes[index]) || bytes[index] == ASCII.semicolon {
        index += 1
      }
      let nameStart = index
      while index < bytes.count, bytes[index] != ASCII.equals, bytes[index] != ASCII.semicolon { index += 1 }
      let name = ASCII.trimmed(bytes[nameStart..<index])
      guard index < bytes.count, bytes[index] == ASCII.equals else { continue }  // no value: skip
      index += 1
      while index < bytes.count, ASCII.isWhitespace(bytes[index]) { index += 1 }
      var value: [UInt8] = []
      if index < bytes.count, bytes[index] == ASCII.quote {
        index += 1
        while index < bytes.count, bytes[index] != ASCII.quote {
          if bytes[index] == ASCII.backslash, index + 1 < bytes.count { index += 1 }
          value.append(bytes[index])
          index += 1
        }
        // Skip the closing quote and anything (e.g. a comment) before the next ";".
        while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
      } else {
        let start = index
        while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
        value = Array(withoutTrailingComment(ASCII.trimmed(bytes[start..<index])))
      }
      if !name.isEmpty { collected.add(name: ASCII.lowercasedString(name), value: value) }
    }
    return (bytes[0..<valueEnd], collected.resolved())
  }

  /// Drops an RFC 822 comment after white space (`us-ascii (Plain text)` → `us-ascii`), but
  /// keeps parentheses inside a token, as in the unquoted name `report(1).pdf`.
  private static func withoutTrailingComment(_ value: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    guard value.last == ASCII.closeParen,
      let open = value.indices.first(where: {
        value[$0] == ASCII.openParen && $0 > value.startIndex && ASCII.isWSP(value[$0 - 1])
      })
    else { return value }
    return ASCII.trimmed(value[value.startIndex..<open])
  }

  /// Parameters as written, before RFC 2231 sections are joined.
  private struct Collected {
    var plain: [String: [UInt8]] = [:]
    var extended: [String: [UInt8]] = [:]
    /// Sections of continued parameters: base name → section number → (bytes, encoded).
    var sections: [String: [Int: (bytes: [UInt8], encoded: Bool)]] = [:]
    /// Base names in first-seen order, so results don't depend on dictionary order.
    var order: [String] = []
    var seen: Set<String> = []

    mutating func add(name: String, value: [UInt8]) {
      var base = Substring(name)
      var encoded = false
      if base.hasSuffix("*") {
        encoded = true
        base = base.dropLast()
      }
      var section: Int?
      if let star = base.lastIndex(of: "*") {
        let digits = base[base.index(after: star)...]
        guard !digits.isEmpty, digits.count <= 4, digits.utf8.allSatisfy(ASCII.isDigit),
          let number = Int(digits)
        else { return }  // a malformed RFC 2231 name: skip
        section = number
        base = base[..<star]
      }
      let key = String(base)
      guard !key.isEmpty else { return }
      if seen.insert(key).inserted { order.append(key) }
      if let section {
        if sections[key, default: [:]][section] == nil { sections[key, default: [:]][section] = (value, encoded) }
      } else if encoded {
        if extended[key] == nil { extended[key] = value }
      } else if plain[key] == nil {
        plain[key] = value
      }
    }

    func resolved() -> [String: String] {
      var result: [String: String] = [:]
      for key in order {
        if let parts = sections[key], let first = parts[0] {
          var charset: String?
          var joined: [UInt8] = []
          for number in 0..<parts.count {
            guard let part = parts[number] else { break }
            var bytes = part.bytes[...]
            if number == 0, first.encoded {
              let split = splitCharset(bytes)
              charset = split.charset
              bytes = split.rest
            }
            joined += part.encoded ? percentDecoded(bytes) : Array(bytes)
          }
          result[key] = Charset.decode(joined, charset: charset ?? "utf-8")
        } else if let value = extended[key] {
          let split = splitCharset(value[...])
          result[key] = Charset.decode(percentDecoded(split.rest), charset: split.charset ?? "utf-8")
        } else if let value = plain[key] {
          result[key] = value.contains(ASCII.question) ? EncodedWords.decode(value) : String(decoding: value, as: UTF8.self)
        }
      }
      return result
    }

    /// Splits `charset'language'text` (RFC 2231 §4); without two apostrophes it is all text.
    private func splitCharset(_ value: ArraySlice<UInt8>) -> (charset: String?, rest: ArraySlice<UInt8>) {
      guard let first = value.firstIndex(of: ASCII.apostrophe),
        let second = value[(first + 1)...].firstIndex(of: ASCII.apostrophe)
      else { return (nil, value) }
      let charset = value[value.startIndex..<first]
      return (charset.isEmpty ? nil : ASCII.lowercasedString(charset), value[(second + 1)...])
    }

    private func percentDecoded(_ value: ArraySlice<UInt8>) -> [UInt8] {
      var output: [UInt8] = []
      output.reserveCapacity(value.count)
      var index = value.startIndex
      while index < value.endIndex {
        if value[index] == ASCII.percent, index + 2 < value.endIndex,
          let high = ASCII.hexValue(value[index + 1]), let low = ASCII.hexValue(value[index + 2])
        {
          output.append(high << 4 | low)
          index += 3
        } else {
          output.append(value[index])
          index += 1
        }
      }
      return output
    }
  }
}
