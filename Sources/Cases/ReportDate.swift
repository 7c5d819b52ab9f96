import Foundation

/// Finds the first calendar date written in a piece of a report.
///
/// Reporters write dates as ISO 8601 (`2026-03-01`), in words in English or Dutch
/// (`1 March 2026`, `March 1st, 2026`, `1 maart 2026`, `1 mrt. 2026`), or with numbers
/// the Dutch way, day first (`01-03-2026`, `1/3/2026`, `1.3.2026`). A date that does not
/// exist (`31-02-2026`) is skipped. The result is midnight UTC of that day, the way
/// `Timeline` counts days.
enum ReportDate {
  static func first(in text: String) -> Date? {
    let tokens = tokenize(Array(text.utf8))
    var i = 0
    while i < tokens.count {
      if let date = date(at: i, tokens) { return date }
      i += 1
    }
    return nil
  }

  enum Token: Equatable {
    case number(Int, digits: Int)
    case word(String)
    case mark(UInt8)
    case space
  }

  private static func tokenize(_ bytes: [UInt8]) -> [Token] {
    let folded = ReportBytes.folded(bytes)
    var tokens: [Token] = []
    var i = 0
    while i < folded.count {
      let b = folded[i]
      var end = i + 1
      if ReportBytes.isDigit(b) {
        while end < folded.count, ReportBytes.isDigit(folded[end]) { end += 1 }
        let count = end - i
        // Longer numbers are never part of a date; keep them as a number no pattern accepts.
        let value = count <= 4 ? Int(String(decoding: folded[i..<end], as: UTF8.self)) ?? -1 : -1
        tokens.append(.number(value, digits: count))
      } else if ReportBytes.isLetter(b) {
        while end < folded.count, ReportBytes.isLetter(folded[end]) { end += 1 }
        tokens.append(end - i <= 12 ? .word(String(decoding: folded[i..<end], as: UTF8.self)) : .word(""))
      } else if b <= 0x20 {
        while end < folded.count, folded[end] <= 0x20 { end += 1 }
        tokens.append(.space)
      } else {
        tokens.append(.mark(b))
      }
      i = end
    }
    return tokens
  }

  private static func date(at i: Int, _ tokens: [Token]) -> Date? {
    numeric(at: i, tokens) ?? dayMonthYear(at: i, tokens) ?? monthDayYear(at: i, tokens)
  }

  /// `2026-03-01`, `2026/3/1`, or day first: `01-03-2026`, `1/3/2026`, `1.3.2026`.
  private static func numeric(at i: Int, _ t: [Token]) -> Date? {
    guard i + 4 < t.count, case let .number(a, aDigits) = t[i], case let .mark(sep) = t[i + 1],
          "-/.".utf8.contains(sep), case let .number(b, bDigits) = t[i + 2], t[i + 3] == .mark(sep),
          case let .number(c, cDigits) = t[i + 4], bDigits <= 2 else { return nil }
    if continuesNumber(i, t) { return nil }
    if i + 5 < t.count, t[i + 5] == .mark(sep), i + 6 < t.count, case .number = t[i + 6] { return nil }
    if aDigits == 4, cDigits <= 2 { return make(year: a, month: b, day: c) }
    if aDigits <= 2, cDigits == 4 { return make(year: c, month: b, day: a) }
    return nil
  }

  /// `1 March 2026`, `1st of March, 2026`, `1 maart 2026`, `1 mrt. 2026`.
  private static func dayMonthYear(at i: Int, _ t: [Token]) -> Date? {
    guard i < t.count, case let .number(day, digits) = t[i], digits <= 2 else { return nil }
    if continuesNumber(i, t) { return nil }
    var p = skip(t, i + 1, ordinals: true)
    if p < t.count, case let .word(w) = t[p], w == "of" || w == "van" { p = skip(t, p + 1, ordinals: false) }
    guard p < t.count, case let .word(name) = t[p], let month = months[name] else { return nil }
    p = skip(t, p + 1, ordinals: false)
    guard p < t.count, case let .number(year, 4) = t[p] else { return nil }
    return make(year: year, month: month, day: day)
  }

  /// `March 1, 2026`, `March 1st 2026`.
  private static func monthDayYear(at i: Int, _ t: [Token]) -> Date? {
    guard i < t.count, case let .word(name) = t[i], let month = months[name] else { return nil }
    var p = skip(t, i + 1, ordinals: false)
    guard p < t.count, case let .number(day, digits) = t[p], digits <= 2 else { return nil }
    p = skip(t, p + 1, ordinals: true)
    guard p < t.count, case let .number(year, 4) = t[p] else { return nil }
    return make(year: year, month: month, day: day)
  }

  /// Whether the number at `i` is the tail of a longer one, such as `3.1.2026` in `10.3.1.2026`.
  private static func continuesNumber(_ i: Int, _ t: [Token]) -> Bool {
    guard i >= 2, case let .mark(mark) = t[i - 1], "-/.:".utf8.contains(mark), case .number = t[i - 2] else {
      return false
    }
    return true
  }

  /// Skips spaces, `.` and `,` and, when asked, an ordinal ending (`st`, `th`, `e`, `ste`).
  private static func skip(_ t: [Token], _ start: Int, ordinals: Bool) -> Int {
    var p = start
    var ordinalSeen = false
    while p < t.count {
      switch t[p] {
      case .space, .mark(UInt8(ascii: ".")), .mark(UInt8(ascii: ",")):
        p += 1
      case let .word(w) where ordinals && !ordinalSeen && ["st", "nd", "rd", "th", "e", "ste", "de"].contains(w):
        ordinalSeen = true
        p += 1
      default:
        return p
      }
    }
    return p
  }

  private static func make(year: Int, month: Int, day: Int) -> Date? {
    guard (1900...2999).contains(year), (1...12).contains(month), day >= 1 else { return nil }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard day <= lengths[month - 1] else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    guard let utc = TimeZone(identifier: "UTC") else { return nil }
    calendar.timeZone = utc
    return calendar.date(from: DateComponents(year: year, month: month, day: day))
  }

  /// Month names and abbreviations in English and Dutch, lowercase and without accents.
  static let months: [String: Int] = {
    let names: [[String]] = [
      ["january", "jan", "januari"], ["february", "feb", "februari"], ["march", "mar", "maart", "mrt"],
      ["april", "apr"], ["may", "mei"], ["june", "jun", "juni"], ["july", "jul", "juli"],
      ["august", "aug", "augustus"], ["september", "sep", "sept"], ["october", "oct", "oktober", "okt"],
      ["november", "nov"], ["december", "dec"],
    ]
    var months: [String: Int] = [:]
    for (index, words) in names.enumerated() {
      for word in words { months[word] = index + 1 }
    }
    return months
  }()
}
