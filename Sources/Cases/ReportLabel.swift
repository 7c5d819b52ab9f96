/// Recognises a section label at the start of a line of a report.
///
/// Reporters write labels the way their mail client or habit suggests: `Impact:`,
/// `3. Impact:`, `3) Impact`, `## Impact`, `**Impact:**`, `**Impact**: high`, or a hint
/// in parentheses as in our template (`Version (if known):`). All of these reduce to the
/// same normalised text, which is looked up in one table built from `ReportSectionKey`.
/// Only the first `maxLabelBytes` of a line are ever looked at, so a 100 000-character
/// line costs no more than a short one.
enum ReportLabel {
  enum Language: Sendable { case english, dutch, neutral }

  struct Entry: Sendable {
    var key: ReportSectionKey
    var language: Language
  }

  /// A label found at the start of a line; the section's value starts at `valueStart`
  /// (an index into the report's bytes, at most the end of the line).
  struct Match: Sendable, Equatable {
    var key: ReportSectionKey
    var language: Language
    var valueStart: Int
  }

  /// How far into a line a label (with its hint in parentheses) may reach.
  static let maxLabelBytes = 200
  /// Longer normalised text is never a label; this keeps the table look-ups cheap.
  static let maxNormalisedBytes = 80
  /// At most this many colons are tried as the end of a label on one line.
  static let maxColons = 6

  static let table: [String: Entry] = {
    var table: [String: Entry] = [:]
    for key in ReportSectionKey.allCases {
      for (labels, language) in [(key.englishLabels, Language.english), (key.dutchLabels, Language.dutch)] {
        for label in labels {
          guard let text = normalise(Array(label.utf8)[...]) else {
            preconditionFailure("label \(label) of \(key) normalises to nothing or is too long")
          }
          if let existing = table[text] {
            precondition(existing.key == key, "label \(label) names both \(existing.key) and \(key)")
            if existing.language != language { table[text] = Entry(key: key, language: .neutral) }
          } else {
            table[text] = Entry(key: key, language: language)
          }
        }
      }
    }
    return table
  }()

  /// Lowercase, accents folded, text in parentheses or brackets dropped, and every run of
  /// punctuation or space turned into one space. Nil when nothing or too much is left.
  static func normalise(_ bytes: ArraySlice<UInt8>) -> String? {
    var out: [UInt8] = []
    out.reserveCapacity(min(bytes.count, maxNormalisedBytes + 1))
    var depth = 0
    var pendingSpace = false
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let b = bytes[i]
      var letter: UInt8?
      var width = 1
      switch b {
      case UInt8(ascii: "("), UInt8(ascii: "["):
        depth += 1
      case UInt8(ascii: ")"), UInt8(ascii: "]"):
        depth = max(0, depth - 1)
      case 0xC3 where i + 1 < bytes.endIndex:
        width = 2
        letter = ReportBytes.foldLatin1(bytes[i + 1])
        if letter == nil, depth == 0 {  // some other accented letter: keep it as it is
          flushSpace(&out, &pendingSpace)
          out.append(b)
          out.append(bytes[i + 1])
        }
      case 0xE2 where i + 2 < bytes.endIndex && bytes[i + 1] == 0x80:
        width = 3  // dashes, curly quotes, bullets, ellipsis: punctuation
      default:
        if ReportBytes.isAlnum(b) || b >= 0x80 {
          letter = ReportBytes.lower(b)
        }
      }
      if depth == 0 {
        if let letter {
          flushSpace(&out, &pendingSpace)
          out.append(letter)
        } else if b != 0xC3 {
          pendingSpace = !out.isEmpty
        }
      }
      if out.count > maxNormalisedBytes { return nil }
      i += width
    }
    return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
  }

  private static func flushSpace(_ out: inout [UInt8], _ pending: inout Bool) {
    if pending {
      out.append(0x20)
      pending = false
    }
  }

  /// The label at the start of the line `bytes[lineStart..<lineEnd]`, if there is one.
  ///
  /// When several readings fit (`Openbaarmaking: voorkeur en datum: …` could be the
  /// label `Openbaarmaking` with a value, or the longer label), the longest label wins.
  static func match(_ bytes: [UInt8], lineStart: Int, lineEnd: Int) -> Match? {
    let end = min(lineEnd, bytes.count)
    var p = lineStart
    skipBlanks(bytes, &p, end)
    while p < end, bytes[p] == UInt8(ascii: "#") { p += 1 }
    skipBlanks(bytes, &p, end)
    skipBullet(bytes, &p, end)
    var emphasised = skipEmphasis(bytes, &p, end)
    if skipNumbering(bytes, &p, end) {
      skipBlanks(bytes, &p, end)
      emphasised = skipEmphasis(bytes, &p, end) || emphasised
    }
    guard p < end, ReportBytes.isLetter(bytes[p]) || bytes[p] >= 0xC0 else { return nil }

    let limit = min(end, p + maxLabelBytes)
    var colons: [Int] = []
    var depth = 0
    var q = p
    while q < limit, colons.count < maxColons {
      switch bytes[q] {
      case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: ")"), UInt8(ascii: "]"): depth = max(0, depth - 1)
      case UInt8(ascii: ":") where depth == 0: colons.append(q)
      default: break
      }
      q += 1
    }

    // A whole line is a label only if its hint in parentheses comes before any colon:
    // in `Disclosure: (2026-12-31)` the parentheses are the answer.
    func hintAfterColon() -> Bool {
      guard let first = colons.first else { return false }
      return bytes[first..<end].contains { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "[") }
    }
    // `CVSS:3.1/AV:N/…` on a line of its own is a vector, not the label "CVSS".
    func vectorAfter(_ colon: Int) -> Bool {
      colon + 4 < end && ReportBytes.isDigit(bytes[colon + 1]) && bytes[colon + 2] == UInt8(ascii: ".")
        && ReportBytes.isDigit(bytes[colon + 3]) && bytes[colon + 4] == UInt8(ascii: "/")
    }

    if end - p <= maxLabelBytes, !hintAfterColon(), let entry = lookUp(bytes[p..<end]) {
      return Match(key: entry.key, language: entry.language, valueStart: end)
    }
    for colon in colons.reversed() where !vectorAfter(colon) {
      guard let entry = lookUp(bytes[p..<colon]) else { continue }
      var valueStart = colon + 1
      if emphasised {
        while valueStart < end, bytes[valueStart] == UInt8(ascii: "*") || bytes[valueStart] == UInt8(ascii: "_") {
          valueStart += 1
        }
      }
      return Match(key: entry.key, language: entry.language, valueStart: valueStart)
    }
    return nil
  }

  private static func lookUp(_ candidate: ArraySlice<UInt8>) -> Entry? {
    guard let text = normalise(candidate) else { return nil }
    return table[text]
  }

  private static func skipBlanks(_ bytes: [UInt8], _ p: inout Int, _ end: Int) {
    while p < end, ReportBytes.isBlank(bytes[p]) { p += 1 }
  }

  /// `- `, `* `, `+ ` or `• ` before a label.
  private static func skipBullet(_ bytes: [UInt8], _ p: inout Int, _ end: Int) {
    if p + 1 < end, [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(bytes[p]),
       ReportBytes.isBlank(bytes[p + 1]) {
      p += 2
    } else if p + 3 < end, bytes[p] == 0xE2, bytes[p + 1] == 0x80, bytes[p + 2] == 0xA2 {
      p += 3
    } else {
      return
    }
    skipBlanks(bytes, &p, end)
  }

  /// `**`, `__`, `*` or `_` opening an emphasised label.
  private static func skipEmphasis(_ bytes: [UInt8], _ p: inout Int, _ end: Int) -> Bool {
    guard p < end, bytes[p] == UInt8(ascii: "*") || bytes[p] == UInt8(ascii: "_") else { return false }
    let mark = bytes[p]
    var q = p
    while q < end, q - p < 3, bytes[q] == mark { q += 1 }
    guard q < end, ReportBytes.isAlnum(bytes[q]) || bytes[q] >= 0xC0 else { return false }
    p = q
    return true
  }

  /// `3.`, `3)`, `(3)`, `3.)` or `3:` before a label; not `3.1.2` or `2026-03-01`.
  private static func skipNumbering(_ bytes: [UInt8], _ p: inout Int, _ end: Int) -> Bool {
    var q = p
    let parenthesised = q < end && bytes[q] == UInt8(ascii: "(")
    if parenthesised { q += 1 }
    let digitsStart = q
    while q < end, q - digitsStart < 3, ReportBytes.isDigit(bytes[q]) { q += 1 }
    guard q > digitsStart, q < end else { return false }
    if parenthesised {
      guard bytes[q] == UInt8(ascii: ")") else { return false }
      q += 1
    } else {
      guard [UInt8(ascii: "."), UInt8(ascii: ")"), UInt8(ascii: ":")].contains(bytes[q]) else { return false }
      q += 1
      if q < end, bytes[q] == UInt8(ascii: ")") { q += 1 }
    }
    guard q < end, !ReportBytes.isDigit(bytes[q]) else { return false }
    p = q
    return true
  }
}
