@testable import Cases
import Testing

/// `ReportBytes.firstWordMatch` (memchr and memcmp) against the plain byte loop it replaced.
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
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
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
}
