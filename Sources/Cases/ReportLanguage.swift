/// Tells English from Dutch by the little words every sentence needs.
///
/// Counting function words (`the`, `of`… against `de`, `het`, `een`…) is crude but
/// dependable for the few hundred words of a report, and labels from our templates
/// count three times as much as a word. Words both languages use (`in`, `is`, `was`,
/// `we`) count for neither. Only the first 64 KiB are read: the language is plain long
/// before that, and a pasted log further down should not outvote the reporter.
enum ReportLanguage {
  static let sampleBytes = 64 * 1024

  static func detect(_ bytes: [UInt8], englishLabels: Int, dutchLabels: Int) -> String? {
    var english = 3 * englishLabels
    var dutch = 3 * dutchLabels
    let sample = bytes.prefix(sampleBytes)
    var i = sample.startIndex
    while i < sample.endIndex {
      guard ReportBytes.isLetter(sample[i]) else {
        i += 1
        continue
      }
      var end = i
      while end < sample.endIndex, ReportBytes.isLetter(sample[end]) { end += 1 }
      let wordEndsHere = end == sample.endIndex || sample[end] < 0x80  // not the start of "beïnvloed"
      let startsHere = i == sample.startIndex || sample[i - 1] < 0x80
      if wordEndsHere, startsHere, end - i <= 6, let kind = wordKinds[key(sample[i..<end])] {
        if kind & englishWord != 0 { english += 1 }
        if kind & dutchWord != 0 { dutch += 1 }
      }
      i = end
    }
    if english >= 3, english >= 2 * dutch { return "en" }
    if dutch >= 3, dutch >= 2 * english { return "nl" }
    return nil
  }

  // Every word of a report is looked up: a word of up to seven ASCII letters, lowercased
  // and packed into an integer, is found without making a String (which was most of
  // the language detection's time in the benchmark).
  private static let englishWord: UInt8 = 1
  private static let dutchWord: UInt8 = 2

  private static let wordKinds: [UInt64: UInt8] = {
    var kinds: [UInt64: UInt8] = [:]
    for word in englishWords { kinds[key(Array(word.utf8)), default: 0] |= englishWord }
    for word in dutchWords { kinds[key(Array(word.utf8)), default: 0] |= dutchWord }
    return kinds
  }()

  /// Lowercased ASCII letters, one per byte; unique for words of at most seven letters.
  static func key(_ letters: some Collection<UInt8>) -> UInt64 {
    letters.reduce(0) { $0 << 8 | UInt64(ReportBytes.lower($1)) }
  }

  static let englishWords: Set<String> = [
    "the", "and", "to", "a", "an", "that", "this", "with", "for", "be", "can", "on", "are", "not", "it", "by",
    "you", "your", "i", "my", "were", "have", "has", "which", "from", "would", "could", "if", "or", "when",
    "there", "their", "any", "all", "other", "should", "will", "been", "into", "these", "those", "our",
  ]

  static let dutchWords: Set<String> = [
    "de", "het", "een", "en", "van", "ik", "je", "u", "uw", "niet", "dat", "die", "op", "voor", "met", "zijn",
    "wordt", "worden", "kan", "bij", "deze", "ook", "naar", "als", "er", "om", "te", "aan", "heb", "heeft",
    "hebben", "maar", "dit", "door", "nog", "wel", "geen", "mijn", "onze", "zou", "waar", "omdat", "andere",
    "wij", "ons", "uit", "dan", "hoe", "wat",
  ]
}
