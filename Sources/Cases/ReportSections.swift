/// A report split into its labelled sections.
///
/// A section runs from its label to the next label, so a value may sit on the label's
/// line (`Version: 2.3.1`), on the lines below it, or both. Text before the first
/// label (a greeting, our template's instructions) belongs to no section. Labels
/// inside fenced code blocks (```` ``` ```` or `~~~`) are not labels: a proof of
/// concept often holds lines such as `Description: …` or `Impact:` of its own.
struct ReportSections: Sendable {
  /// Filled-in sections; a label that appears more than once has its values joined
  /// by a blank line, in the order they were written.
  var values: [ReportSectionKey: String] = [:]
  /// Every section whose label appeared, filled in or not.
  var labelled: Set<ReportSectionKey> = []
  /// How many labels were English and how many Dutch (labels both languages use count for neither).
  var englishLabels = 0
  var dutchLabels = 0

  init(_ bytes: [UInt8]) {
    var pieces: [ReportSectionKey: [String]] = [:]
    var order: [ReportSectionKey] = []
    var open: ReportLabel.Match?
    var inFence = false

    func close(at end: Int) {
      guard let section = open else { return }
      guard let value = Self.clean(bytes, from: section.valueStart, to: end) else { return }
      if pieces[section.key] == nil { order.append(section.key) }
      pieces[section.key, default: []].append(value)
    }

    var lineStart = 0
    while lineStart < bytes.count {
      var lineEnd = lineStart
      while lineEnd < bytes.count, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D { lineEnd += 1 }
      var next = lineEnd + 1
      if lineEnd + 1 < bytes.count, bytes[lineEnd] == 0x0D, bytes[lineEnd + 1] == 0x0A { next += 1 }

      if Self.isFence(bytes, lineStart, lineEnd) {
        inFence.toggle()
      } else if !inFence, let label = ReportLabel.match(bytes, lineStart: lineStart, lineEnd: lineEnd) {
        close(at: lineStart)
        open = label
        labelled.insert(label.key)
        switch label.language {
        case .english: englishLabels += 1
        case .dutch: dutchLabels += 1
        case .neutral: break
        }
      }
      lineStart = next
    }
    close(at: bytes.count)

    for key in order {
      if let parts = pieces[key] { values[key] = parts.joined(separator: "\n\n") }
    }
  }

  private static func isFence(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
    var p = start
    while p < end, ReportBytes.isBlank(bytes[p]) { p += 1 }
    guard p + 3 <= end, end <= bytes.count else { return false }
    let mark = bytes[p]
    return (mark == UInt8(ascii: "`") || mark == UInt8(ascii: "~")) && bytes[p + 1] == mark && bytes[p + 2] == mark
  }

  /// The value between `from` and `to`: the rest of the label's line trimmed, the lines
  /// below it with their common indentation removed, without blank or ruler lines
  /// (`-----`, `=====`) around it. Nil when nothing is left.
  static func clean(_ bytes: [UInt8], from: Int, to: Int) -> String? {
    guard from < to, to <= bytes.count else { return nil }
    var lines: [ArraySlice<UInt8>] = []
    var start = from
    var i = from
    while i < to {
      let b = bytes[i]
      if b == 0x0A || b == 0x0D {
        lines.append(bytes[start..<i])
        if b == 0x0D, i + 1 < to, bytes[i + 1] == 0x0A { i += 1 }
        start = i + 1
      }
      i += 1
    }
    if start < to { lines.append(bytes[start..<to]) }
    guard !lines.isEmpty else { return nil }

    var out: [ArraySlice<UInt8>] = [trimmed(lines[0], leading: true)]
    let below = lines.dropFirst().map { trimmed($0, leading: false) }
    let indent = below.filter { !$0.isEmpty }.map(indentation).min() ?? 0
    out.append(contentsOf: below.map { $0.isEmpty ? $0 : $0.dropFirst(indent) })

    var lo = 0
    var hi = out.count
    while lo < hi, out[lo].isEmpty || isRuler(out[lo]) { lo += 1 }
    while hi > lo, out[hi - 1].isEmpty || isRuler(out[hi - 1]) { hi -= 1 }
    guard lo < hi else { return nil }
    var joined: [UInt8] = []
    for n in lo..<hi {
      if n > lo { joined.append(0x0A) }
      joined.append(contentsOf: out[n])
    }
    return String(decoding: joined, as: UTF8.self)
  }

  private static func trimmed(_ line: ArraySlice<UInt8>, leading: Bool) -> ArraySlice<UInt8> {
    var line = line
    while let last = line.last, ReportBytes.isBlank(last) { line.removeLast() }
    if leading {
      while let first = line.first, ReportBytes.isBlank(first) { line.removeFirst() }
    }
    return line
  }

  private static func indentation(_ line: ArraySlice<UInt8>) -> Int {
    line.prefix(while: ReportBytes.isBlank).count
  }

  /// A Markdown ruler or Setext underline: three or more of one of `-`, `=`, `*`, `_`.
  private static func isRuler(_ line: ArraySlice<UInt8>) -> Bool {
    let marks = line.filter { !ReportBytes.isBlank($0) }
    guard marks.count >= 3, let mark = marks.first else { return false }
    return [UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: "*"), UInt8(ascii: "_")].contains(mark)
      && marks.allSatisfy { $0 == mark }
  }
}
