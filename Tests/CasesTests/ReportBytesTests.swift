@testable import Cases
import Testing

/// The report parser's byte scanning against the plainer code it replaced: `ReportBytes.firstWordMatch`
/// (memchr and memcmp), `ReportAnswer.wordBytes` (one pass) and `ReportLanguage.detect` (no Strings).
@Suite struct ReportBytesTests {
  /// The reference: the first whole-word occurrence, found one byte at a time.
  static func plainScan(_ haystack: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
    guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
    var i = max(0, from)
    while i <= haystack.count - needle.count {
      if Array(haystack[i..<i + needle.count]) == needle, i == 0 || !ReportBytes.isAlnum(haystack[i - 1]),
         i + needle.count == haystack.count || !ReportBytes.isAlnum(haystack[i + needle.count]) {
        return i
      }
      i += 1
    }
    return nil
  }

  @Test("Whole-word matches agree with a plain scan on 20 000 seeded random texts")
  func agreesWithAPlainScan() {
    var numbers = SeededNumbers(seed: 0x9E37_79B9_7F4A_7C15)
    func next(_ bound: Int) -> Int { numbers.below(bound) }
    let alphabet = Array("ab a-b.\n1".utf8)
    for _ in 0..<20_000 {
      let haystack = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }
      let needle = (0..<1 + next(4)).map { _ in alphabet[next(alphabet.count)] }
      let from = next(12) - 2
      #expect(ReportBytes.firstWordMatch(haystack, needle, from: from) == Self.plainScan(haystack, needle, from: from),
              "\(haystack) \(needle) \(from)")
    }
  }

  @Test func edges() {
    let text = Array("credit: no credit please".utf8)
    #expect(ReportBytes.firstWordMatch(text, Array("credit".utf8), from: 0) == 0)
    #expect(ReportBytes.firstWordMatch(text, Array("credit".utf8), from: 1) == 11)
    #expect(ReportBytes.firstWordMatch(text, Array("please".utf8), from: 0) == 18)
    #expect(ReportBytes.firstWordMatch(text, Array("redit".utf8), from: 0) == nil)
    #expect(ReportBytes.firstWordMatch(text, Array("credit".utf8), from: 100) == nil)
    #expect(ReportBytes.firstWordMatch([], Array("a".utf8), from: 0) == nil)
    #expect(ReportBytes.firstWordMatch(text, [], from: 0) == nil)
  }

  /// The three-pass `ReportAnswer.words` that `wordBytes` replaced.
  static func threePassWords(_ text: String) -> String {
    var bytes = Array(text.utf8)
    var cleaned: [UInt8] = []
    var i = 0
    while i < bytes.count {
      if i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x80, bytes[i + 2] == 0x99 {
        i += 3
        continue
      }
      if bytes[i] != UInt8(ascii: "'") { cleaned.append(bytes[i]) }
      i += 1
    }
    bytes = ReportBytes.folded(cleaned)
    var out: [UInt8] = []
    var pendingSpace = false
    for b in bytes {
      if ReportBytes.isAlnum(b) || b >= 0x80 {
        if pendingSpace, !out.isEmpty { out.append(0x20) }
        pendingSpace = false
        out.append(b)
      } else {
        pendingSpace = true
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The String-and-Set word lookup that `ReportLanguage.detect` replaced.
  static func stringSetLanguage(_ bytes: [UInt8], englishLabels: Int, dutchLabels: Int) -> String? {
    var english = 3 * englishLabels
    var dutch = 3 * dutchLabels
    var i = 0
    while i < bytes.count {
      guard ReportBytes.isLetter(bytes[i]) else {
        i += 1
        continue
      }
      var end = i
      while end < bytes.count, ReportBytes.isLetter(bytes[end]) { end += 1 }
      if end == bytes.count || bytes[end] < 0x80, i == 0 || bytes[i - 1] < 0x80, end - i <= 6 {
        let word = String(decoding: bytes[i..<end].map(ReportBytes.lower), as: UTF8.self)
        if ReportLanguage.englishWords.contains(word) { english += 1 }
        if ReportLanguage.dutchWords.contains(word) { dutch += 1 }
      }
      i = end
    }
    if english >= 3, english >= 2 * dutch { return "en" }
    if dutch >= 3, dutch >= 2 * english { return "nl" }
    return nil
  }

  @Test("Words, language and credit phrases agree with the code they replaced on 20 000 seeded random texts")
  func wordsAndLanguageAgreeWithTheOldCode() {
    var numbers = SeededNumbers(seed: 0x2545_F491_4F6C_DD1D)
    func next(_ bound: Int) -> Int { numbers.below(bound) }
    let pieces = ["the ", "The ", "de ", "HET ", "een", " ", "\n", "'", "\u{2019}", "don", "t", "é", "É", "ö", "ü",
                  "ß", "ø", "-", "credit", "no ", "anoniem", "wil ", "And", "van", "ïn", "x", "7", ".", "\u{2018}", "€"]
    for _ in 0..<20_000 {
      let text = (0..<next(30)).map { _ in pieces[next(pieces.count)] }.joined()
      #expect(ReportAnswer.words(text) == Self.threePassWords(text), "\(text)")
      let labels = (next(3), next(3))
      #expect(ReportLanguage.detect(Array(text.utf8), englishLabels: labels.0, dutchLabels: labels.1)
                == Self.stringSetLanguage(Array(text.utf8), englishLabels: labels.0, dutchLabels: labels.1), "\(text)")
    }
  }
}
