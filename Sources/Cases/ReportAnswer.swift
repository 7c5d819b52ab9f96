/// Reads the short answers in a report: yes or no, and whether the reporter wants credit.
///
/// Answers are compared as words: lowercase, accents folded, apostrophes dropped
/// (`don't` is `dont`), everything else a single space. Anything this cannot read
/// with confidence is nil rather than a guess, because both answers change what the
/// team may do: credit someone publicly, or share the report with the NCSC.
enum ReportAnswer {
  /// `yes`, `Ja, graag`, `No.`, `[x] yes [ ] no`, `I agree`, `liever niet` …; nil for an
  /// empty or undecided answer such as the template's own `yes/no`.
  static func yesNo(_ text: String) -> Bool? {
    if let ticked = tickedOption(text) { return ticked.isEmpty ? nil : yesNo(ticked) }
    let answer = words(String(decoding: text.utf8.prefix(400), as: UTF8.self))
    let list = answer.split(separator: " ").map(String.init)
    guard let first = list.first else { return nil }
    for phrase in ["no objection", "no objections", "no problem", "geen bezwaar", "geen probleem"]
    where ReportBytes.containsWords(Array(answer.utf8), phrase) { return true }
    let saysYes = list.contains { yesWords.contains($0) }
    let saysNo = list.contains { noWords.contains($0) }
    if list.count <= 3, saysYes, saysNo { return nil }  // "yes/no", "ja of nee" left as written
    if yesWords.contains(first) { return true }
    if noWords.contains(first) { return false }
    if saysNo { return false }
    if saysYes { return true }
    return nil
  }

  private static let yesWords: Set<String> = [
    "yes", "y", "ja", "j", "true", "agree", "agreed", "akkoord", "consent", "sure", "ok", "okay", "yep", "jazeker",
    "zeker", "prima", "graag", "absolutely", "certainly", "fine", "allowed", "accoord", "may", "mag", "mogen",
    "toegestaan",
  ]
  private static let noWords: Set<String> = [
    "no", "n", "nee", "false", "nope", "never", "nooit", "niet", "geen", "dont", "not", "decline", "weiger",
    "liever", "rather",
  ]

  /// The word after a ticked box (`[x] yes [ ] no`), if the answer is a checklist.
  private static func tickedOption(_ text: String) -> String? {
    let bytes = Array(text.utf8.prefix(400)).map(ReportBytes.lower)
    for box in ["[x]", "(x)", "[*]"] {
      let mark = Array(box.utf8)
      guard let start = firstIndex(of: mark, in: bytes) else { continue }
      let rest = bytes[(start + mark.count)...].drop { !ReportBytes.isLetter($0) }
      return String(decoding: rest.prefix { ReportBytes.isLetter($0) }, as: UTF8.self)
    }
    return nil
  }

  private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
      return i
    }
    return nil
  }

  /// What the credit section says about credit: true when it declines credit or asks
  /// for anonymity, false when it says how to credit, nil when it is empty or `n/a`.
  static func declinesCredit(_ text: String) -> Bool? {
    let answer = words(text)
    let bytes = Array(answer.utf8)
    guard let first = answer.split(separator: " ").first else { return nil }
    if answer == "n a" || answer == "nvt" || answer == "n v t" { return nil }
    if ["no", "none", "nee", "geen", "niet", "nope", "n", "anonymous", "anoniem", "anon", "anonymously"]
      .contains(String(first)) { return true }
    return declineCreditPhrases.contains { ReportBytes.containsWords(bytes, $0) }
  }

  private static let declineCreditPhrases = [
    "no credit", "without credit", "not be credited", "dont credit", "do not credit", "no need to credit",
    "dont need credit", "do not need credit", "no need for credit", "no attribution", "no acknowledgement",
    "no acknowledgment", "not be named", "not be mentioned", "not be listed", "anonymous", "anonymously", "anoniem",
    "anonieme", "geen vermelding", "geen naamsvermelding", "niet vermelden", "niet vermeld", "liever niet",
    "geen credits", "geen credit", "niet noemen", "niet genoemd", "no thanks", "nee dank", "not necessary",
    "not needed", "no need", "unnecessary", "niet nodig", "hoeft niet",
  ]

  /// Whether a reporter's name is a request not to be named (`Anonymous`, `anoniem`).
  static func isAnonymous(_ name: String) -> Bool {
    guard let first = words(name).split(separator: " ").first else { return false }
    return ["anonymous", "anoniem", "anon", "anonymously"].contains(String(first))
  }

  /// Whether running text asks for no credit (`no credit please`, `I'd like to remain
  /// anonymous`, `ik wil graag anoniem blijven`). Only unmistakable phrases count:
  /// "anonymous" alone is usually about anonymous users, "no credit" about credit cards.
  static func asksNoCredit(inText text: String) -> Bool {
    let bytes = wordBytes(text)
    for phrase in freeTextPhrases where ReportBytes.containsWords(bytes, phrase) { return true }
    let noCredit = Array("no credit".utf8)
    var from = 0
    while let hit = ReportBytes.firstWordMatch(bytes, noCredit, from: from) {
      let after = bytes[(hit + noCredit.count)...].drop { $0 == 0x20 }.prefix { $0 != 0x20 }
      let next = String(decoding: after, as: UTF8.self)
      if !["card", "cards", "check", "checks", "score", "limit", "history", "union"].contains(next) { return true }
      from = hit + 1
    }
    return false
  }

  private static let freeTextPhrases = [
    "do not credit me", "dont credit me", "please do not credit", "please dont credit", "not be credited",
    "without credit", "remain anonymous", "stay anonymous", "prefer anonymity", "geen vermelding",
    "geen naamsvermelding", "anoniem blijven", "blijf graag anoniem", "blijf liever anoniem",
    "niet vermeld worden", "niet genoemd worden", "wil anoniem", "credit is not necessary", "no need to credit",
  ]

  /// Lowercase words separated by single spaces, accents folded, apostrophes dropped.
  static func words(_ text: String) -> String { String(decoding: wordBytes(text), as: UTF8.self) }

  /// `words` as UTF-8, made in one pass: it runs over every report without a credit label.
  static func wordBytes(_ text: String) -> [UInt8] {
    var text = text
    return text.withUTF8 { bytes in
      var out: [UInt8] = []
      out.reserveCapacity(bytes.count)
      var pendingSpace = false
      var i = 0
      while i < bytes.count {
        var b = bytes[i]
        i += 1
        // Curly apostrophes (U+2019) and straight ones are dropped, so "don’t" reads as "dont".
        if b == UInt8(ascii: "'") { continue }
        if b == 0xE2, i + 1 < bytes.count, bytes[i] == 0x80, bytes[i + 1] == 0x99 {
          i += 2
          continue
        }
        // Valid UTF-8 (a String) always has a continuation byte after 0xC3.
        if b == 0xC3, i < bytes.count, let ascii = ReportBytes.foldLatin1(bytes[i]) {
          b = ascii
          i += 1
        }
        b = ReportBytes.lower(b)
        if ReportBytes.isAlnum(b) || b >= 0x80 {
          if pendingSpace, !out.isEmpty { out.append(0x20) }
          pendingSpace = false
          out.append(b)
        } else {
          pendingSpace = true
        }
      }
      return out
    }
  }
}
