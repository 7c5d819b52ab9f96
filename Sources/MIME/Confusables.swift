/// Look-alike text: the confusable skeleton of [UTS #39 §4](https://www.unicode.org/reports/tr39/#Confusable_Detection),
/// for a practical subset of its data.
///
/// An impersonator writes `rіta@reporter.example` with a Cyrillic і, or `раураl` all in Cyrillic,
/// so that the team reads a known reporter's name. Two strings with the same skeleton look alike;
/// comparing skeletons, not strings, is how the gateway notices. The standard's table has some
/// 6 000 entries and needs NFD; this one covers what spoofs Latin mail addresses, and is looser
/// than the standard in one way: it drops diacritics, so `repörter` and `réportér` both look like
/// `reporter`, because in a From header that is exactly the difference an impersonator counts on.
public enum Confusables {
  /// The skeleton of `text`: lower case, look-alikes folded to the ASCII letter they imitate.
  ///
  /// Folds fullwidth, mathematical, circled and small-capital forms, the Cyrillic, Greek,
  /// Armenian and Cherokee letters that look like Latin ones (`а е о р с у х і ј ѕ ԁ ԛ ԝ һ ӏ`,
  /// `ο α ν ρ τ υ ι κ ϲ`, `օ ս ց հ`, `Ꭺ Ᏼ Ꮯ` …), dotless `ı`, `ɑ`, `ℓ`, ligatures and Roman
  /// numerals; drops invisible characters and diacritics; then maps `0`→`o`, `1`→`l`, `rn`→`m`,
  /// `vv`→`w`. Only equality of skeletons means anything; a skeleton is not for display.
  public static func skeleton(_ text: String) -> String {
    var folded: [Unicode.Scalar] = []
    folded.reserveCapacity(text.unicodeScalars.count)
    // Folding a letter may read its Unicode name; a megabyte of one accented letter must not
    // read it a million times.
    var known: [Unicode.Scalar: [Unicode.Scalar]] = [:]
    for scalar in text.canonicallyComposed.unicodeScalars {
      if scalar.isASCII {
        appendASCII(scalar, into: &folded)
        continue
      }
      if let cached = known[scalar] {
        folded.append(contentsOf: cached)
        continue
      }
      var result: [Unicode.Scalar] = []
      if !isInvisible(scalar), UnicodeScript.of(scalar) != .inherited { fold(scalar, into: &result) }
      known[scalar] = result
      folded.append(contentsOf: result)
    }
    var result = String.UnicodeScalarView()
    var index = 0
    while index < folded.count {
      let pair = index + 1 < folded.count ? (folded[index], folded[index + 1]) : nil
      if let (first, second) = pair, first == "r", second == "n" {
        result.append("m")
        index += 2
      } else if let (first, second) = pair, first == "v", second == "v" {
        result.append("w")
        index += 2
      } else {
        result.append(folded[index])
        index += 1
      }
    }
    return String(result)
  }

  /// Characters that show as nothing, or that reorder what is shown: zero-width characters, bidi
  /// controls, soft hyphen, variation selectors, fillers, tags, and all controls and format characters.
  public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .format, .control: return true
    default: break
    }
    switch scalar.value {
    case 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x3164, 0xFE00...0xFE0F, 0xFFA0,
      0xE0000...0xE0FFF:
      return true
    default:
      return false
    }
  }

  /// Compatibility forms that IDNA2008 disallows in a label because NFKC would change them
  /// (RFC 5892 §2.5); only the blocks that imitate Latin text or make ligatures are listed.
  static func isCompatibilityForm(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x017F, 0x0133, 0x0140, 0x0149, 0x01C4...0x01CC, 0x01F1...0x01F3, 0x02B0...0x02B8, 0x1D2C...0x1D6A,
      0x1E9A, 0x1E9B, 0x2070...0x218F, 0x2460...0x24FF, 0x3300...0x33FF, 0xFB00...0xFDFF, 0xFE70...0xFEFF,
      0xFF00...0xFFEF, 0x1D400...0x1D7FF:
      true
    default:
      false
    }
  }

  /// Appends what `scalar` looks like, in lower-case ASCII where it imitates ASCII.
  private static func fold(_ scalar: Unicode.Scalar, into output: inout [Unicode.Scalar]) {
    if let ascii = asciiForm(scalar) {
      appendASCII(ascii, into: &output)
      return
    }
    if let mapped = lookAlikes[scalar] {
      output.append(contentsOf: mapped.unicodeScalars)
      return
    }
    let lower = scalar.properties.lowercaseMapping.unicodeScalars
    // A lower-case form that is one scalar again goes through the table; "İ" becomes "i" + U+0307.
    if lower.count != 1 || lower.first != scalar {
      for part in lower where UnicodeScript.of(part) != .inherited { fold(part, into: &output) }
      return
    }
    if let base = baseLetter(of: scalar) {
      fold(base, into: &output)
      return
    }
    output.append(scalar)
  }

  private static func appendASCII(_ scalar: Unicode.Scalar, into output: inout [Unicode.Scalar]) {
    switch scalar {
    case "0": output.append("o")
    case "1": output.append("l")
    case "A"..."Z": output.append(Unicode.Scalar(UInt8(scalar.value) | 0x20))
    default: output.append(scalar)
    }
  }

  /// The ASCII character a scalar is a wider, bolder or circled copy of, computed from the layout
  /// of those blocks rather than listed.
  private static func asciiForm(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
    let value = scalar.value
    switch value {
    case 0x00...0x7F:
      return scalar
    case 0xFF01...0xFF5E:  // fullwidth ASCII
      return Unicode.Scalar(UInt8(value - 0xFEE0))
    case 0x1D400...0x1D6A3:  // mathematical alphabets, 52 letters each (A–Z, a–z)
      return Unicode.Scalar(UInt8(ascii: "a") + UInt8((value - 0x1D400) % 52 % 26))
    case 0x1D7CE...0x1D7FF:  // mathematical digits, 10 each
      return Unicode.Scalar(UInt8(ascii: "0") + UInt8((value - 0x1D7CE) % 10))
    case 0x24B6...0x24CF:  // circled capitals
      return Unicode.Scalar(UInt8(ascii: "a") + UInt8(value - 0x24B6))
    case 0x24D0...0x24E9:  // circled small letters
      return Unicode.Scalar(UInt8(ascii: "a") + UInt8(value - 0x24D0))
    default:
      return nil
    }
  }

  /// The letter a precomposed letter is built on, from its Unicode name ("LATIN SMALL LETTER O
  /// WITH DIAERESIS" → o), so that every accented form is covered without a decomposition table.
  private static func baseLetter(of scalar: Unicode.Scalar) -> Unicode.Scalar? {
    guard !scalar.isASCII, namedScripts.contains(UnicodeScript.of(scalar)), let name = scalar.properties.name,
      let with = name.firstRange(of: " WITH ")
    else { return nil }
    let baseName = name[..<with.lowerBound]
    for prefix in ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "] where baseName.hasPrefix(prefix) {
      let letter = baseName.dropFirst(prefix.count).unicodeScalars
      guard letter.count == 1, let only = letter.first, ("A"..."Z").contains(only) else { return nil }
      return Unicode.Scalar(UInt8(only.value) | 0x20)
    }
    return lettersByName[String(baseName)]
  }

  /// The scripts whose accented letters imitate Latin ones; only their names are read.
  private static let namedScripts: Set<UnicodeScript> = [.latin, .greek, .cyrillic, .armenian]

  /// Greek, Cyrillic and Armenian base letters by name, for the accented forms of those scripts
  /// (ό, ӧ …), which imitate Latin letters as their bases do.
  private static let lettersByName: [String: Unicode.Scalar] = {
    var letters: [String: Unicode.Scalar] = [:]
    for value in UInt32(0x0370)...0x058F {
      guard let scalar = Unicode.Scalar(value), let name = scalar.properties.name, !name.contains(" WITH ")
      else { continue }
      letters[name] = scalar
    }
    return letters
  }()

  /// Letters that look like Latin ones, in both cases where the capital imitates a Latin capital
  /// (Cyrillic Н looks like H although н does not look like h; case is folded after the look-up).
  private static let lookAlikes: [Unicode.Scalar: String] = {
    let pairs: [(UInt32, String)] = [
      // Latin letters outside a–z that imitate them
      (0x0131, "i"), (0x0237, "j"), (0x0251, "a"), (0x0261, "g"), (0x0269, "i"), (0x026A, "i"), (0x017F, "f"),
      (0x01C0, "l"), (0x028F, "y"), (0x1D04, "c"), (0x1D0F, "o"), (0x1D1C, "u"), (0x1D20, "v"), (0x1D21, "w"),
      (0x1D22, "z"), (0xA731, "s"),
      // letterlike symbols
      (0x2113, "l"), (0x210E, "h"), (0x212F, "e"), (0x210A, "g"), (0x2134, "o"), (0x2139, "i"),
      // ligatures
      (0xFB00, "ff"), (0xFB01, "fi"), (0xFB02, "fl"), (0xFB03, "ffi"), (0xFB04, "ffl"), (0xFB05, "st"),
      (0xFB06, "st"), (0x0133, "ij"), (0x01C6, "dz"), (0x01C9, "lj"), (0x01CC, "nj"), (0x01F3, "dz"),
      // small Roman numerals (the capitals lower-case to these)
      (0x2170, "i"), (0x2171, "ii"), (0x2172, "iii"), (0x2173, "iv"), (0x2174, "v"), (0x2175, "vi"),
      (0x2176, "vii"), (0x2177, "viii"), (0x2178, "ix"), (0x2179, "x"), (0x217A, "xi"), (0x217B, "xii"),
      (0x217C, "l"), (0x217D, "c"), (0x217E, "d"), (0x217F, "m"),
      // Cyrillic
      (0x0430, "a"), (0x0410, "a"), (0x0432, "b"), (0x0412, "b"), (0x0435, "e"), (0x0415, "e"), (0x0451, "e"),
      (0x0401, "e"), (0x0456, "i"), (0x0406, "i"), (0x0457, "i"), (0x0407, "i"), (0x0458, "j"), (0x0408, "j"),
      (0x043A, "k"), (0x041A, "k"), (0x043C, "m"), (0x041C, "m"), (0x043D, "h"), (0x041D, "h"), (0x043E, "o"),
      (0x041E, "o"), (0x0440, "p"), (0x0420, "p"), (0x0441, "c"), (0x0421, "c"), (0x0442, "t"), (0x0422, "t"),
      (0x0443, "y"), (0x0423, "y"), (0x0445, "x"), (0x0425, "x"), (0x0455, "s"), (0x0405, "s"), (0x044C, "b"),
      (0x042C, "b"), (0x0501, "d"), (0x0500, "d"), (0x051B, "q"), (0x051A, "q"), (0x051D, "w"), (0x051C, "w"),
      (0x04BB, "h"), (0x04BA, "h"), (0x04CF, "l"), (0x04C0, "l"), (0x04AF, "y"), (0x04AE, "y"), (0x0475, "v"),
      (0x0474, "v"),
      // Greek
      (0x03B1, "a"), (0x0391, "a"), (0x03B2, "b"), (0x0392, "b"), (0x03B5, "e"), (0x0395, "e"), (0x03B6, "z"),
      (0x0396, "z"), (0x03B7, "n"), (0x0397, "h"), (0x03B9, "i"), (0x0399, "i"), (0x03BA, "k"), (0x039A, "k"),
      (0x03BC, "u"), (0x039C, "m"), (0x03BD, "v"), (0x039D, "n"), (0x03BF, "o"), (0x039F, "o"), (0x03C1, "p"),
      (0x03A1, "p"), (0x03C4, "t"), (0x03A4, "t"), (0x03C5, "u"), (0x03A5, "y"), (0x03C7, "x"), (0x03A7, "x"),
      (0x03B3, "y"), (0x03C9, "w"), (0x03F2, "c"), (0x03F9, "c"), (0x03F3, "j"), (0x037F, "j"),
      // Armenian
      (0x0585, "o"), (0x0555, "o"), (0x057D, "u"), (0x054D, "u"), (0x0581, "g"), (0x0570, "h"), (0x0578, "n"),
      (0x057C, "n"), (0x0566, "q"), (0x054F, "s"), (0x053C, "l"),
      // Cherokee capitals; the small letters are mapped to these first
      (0x13AA, "a"), (0x13F4, "b"), (0x13DF, "c"), (0x13A0, "d"), (0x13AC, "e"), (0x13C0, "g"), (0x13BB, "h"),
      (0x13A5, "i"), (0x13AB, "j"), (0x13E6, "k"), (0x13DE, "l"), (0x13B7, "m"), (0x13E2, "p"), (0x13A1, "r"),
      (0x13DA, "s"), (0x13A2, "t"), (0x13D9, "v"), (0x13B3, "w"), (0x13D4, "w"), (0x13BD, "y"), (0x13C3, "z"),
    ]
    var table: [Unicode.Scalar: String] = [:]
    for (value, ascii) in pairs {
      guard let scalar = Unicode.Scalar(value) else { continue }
      table[scalar] = ascii
    }
    // Cherokee small letters (Unicode 8) look like their capitals, which are the ones listed.
    for (capital, small) in zip(UInt32(0x13A0)...0x13EF, UInt32(0xAB70)...0xABBF) {
      if let c = Unicode.Scalar(capital), let s = Unicode.Scalar(small), let ascii = table[c] { table[s] = ascii }
    }
    for (capital, small) in zip(UInt32(0x13F0)...0x13F5, UInt32(0x13F8)...0x13FD) {
      if let c = Unicode.Scalar(capital), let s = Unicode.Scalar(small), let ascii = table[c] { table[s] = ascii }
    }
    return table
  }()
}

/// Unicode scripts (UAX #24) of the letters that matter in mail addresses, from code-point ranges.
///
/// The standard library has no Script property, so the ranges of the Unicode Scripts data are
/// written out for the scripts listed here, with Common and Inherited exceptions inside them. A
/// letter outside every range is ``unknown``, a script of its own, so that it cannot hide in a mix.
enum UnicodeScript: String, Sendable, Hashable {
  case latin = "Latin", greek = "Greek", coptic = "Coptic", cyrillic = "Cyrillic", armenian = "Armenian"
  case hebrew = "Hebrew", arabic = "Arabic", syriac = "Syriac", thaana = "Thaana"
  case devanagari = "Devanagari", bengali = "Bengali", gurmukhi = "Gurmukhi", gujarati = "Gujarati"
  case oriya = "Oriya", tamil = "Tamil", telugu = "Telugu", kannada = "Kannada", malayalam = "Malayalam"
  case sinhala = "Sinhala", thai = "Thai", lao = "Lao", tibetan = "Tibetan", myanmar = "Myanmar"
  case georgian = "Georgian", hangul = "Hangul", ethiopic = "Ethiopic", cherokee = "Cherokee"
  case khmer = "Khmer", mongolian = "Mongolian", hiragana = "Hiragana", katakana = "Katakana"
  case bopomofo = "Bopomofo", han = "Han", yi = "Yi"
  case unknown = "Unknown"
  /// Digits, punctuation, symbols and letterlike forms shared by all scripts.
  case common = "Common"
  /// Combining marks that take the script of the letter before them.
  case inherited = "Inherited"

  static let japanese: Set<UnicodeScript> = [.han, .hiragana, .katakana]

  /// Mixtures that UTS #39 §5.2 calls Highly Restrictive: the way Japanese, Chinese and Korean
  /// are written, with or without Latin, and nothing else.
  private static let acceptedMixtures: [Set<UnicodeScript>] = [
    [.latin, .han, .hiragana, .katakana], [.latin, .han, .bopomofo], [.latin, .han, .hangul],
  ]

  /// Whether letters of all of `scripts` in one local part or label are a normal way of writing.
  static func isAcceptedMixture(_ scripts: Set<UnicodeScript>) -> Bool {
    scripts.count <= 1 || acceptedMixtures.contains { scripts.isSubset(of: $0) }
  }

  /// The scripts the letters of `text` are written in; Common and Inherited are not counted.
  static func scripts(of text: some StringProtocol) -> Set<UnicodeScript> {
    var scripts: Set<UnicodeScript> = []
    for scalar in text.unicodeScalars {
      let script = of(scalar)
      guard script != .common, script != .inherited else { continue }
      let category = scalar.properties.generalCategory
      if category.isMark || category.isLetter || category == .letterNumber { scripts.insert(script) }
    }
    return scripts
  }

  /// The script of one scalar: its range's, else Unknown for a letter, Inherited for a mark,
  /// Common for anything else.
  static func of(_ scalar: Unicode.Scalar) -> UnicodeScript {
    let value = scalar.value
    if value < 0x80 {
      return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) ? .latin : .common
    }
    var low = 0, high = ranges.count
    while low < high {
      let middle = (low + high) / 2
      if ranges[middle].lower <= value { low = middle + 1 } else { high = middle }
    }
    if low > 0, value <= ranges[low - 1].upper { return ranges[low - 1].script }
    let category = scalar.properties.generalCategory
    if category.isMark { return .inherited }
    return category.isLetter || category == .letterNumber ? .unknown : .common
  }

  private struct Span: Sendable {
    let lower: UInt32
    let upper: UInt32
    let script: UnicodeScript
  }

  /// Sorted once, so that the table below can be read by script rather than by code point.
  private static let ranges: [Span] = {
    var ranges: [Span] = []
    for (script, spans) in table {
      for span in spans { ranges.append(Span(lower: span.lowerBound, upper: span.upperBound, script: script)) }
    }
    return ranges.sorted { $0.lower < $1.lower }
  }()

  private static let table: [(UnicodeScript, [ClosedRange<UInt32>])] = [
    (.latin, [
      0x00AA...0x00AA, 0x00BA...0x00BA, 0x00C0...0x00D6, 0x00D8...0x00F6, 0x00F8...0x02AF, 0x02B0...0x02B8,
      0x02E0...0x02E4, 0x1D00...0x1D25, 0x1D2C...0x1D5C, 0x1D62...0x1D65, 0x1D6B...0x1D77, 0x1D79...0x1DBE,
      0x1E00...0x1EFF, 0x2071...0x2071, 0x207F...0x207F, 0x2090...0x209C, 0x212A...0x212B, 0x2132...0x2132,
      0x214E...0x214E, 0x2160...0x2188, 0x2C60...0x2C7F, 0xA722...0xA787, 0xA78B...0xA7FF, 0xAB30...0xAB5A,
      0xAB5C...0xAB64, 0xAB66...0xAB69, 0xFB00...0xFB06, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0x10780...0x107BA,
      0x1DF00...0x1DF2A,
    ]),
    (.greek, [
      0x0370...0x0373, 0x0376...0x0377, 0x037A...0x037D, 0x037F...0x037F, 0x0384...0x0384, 0x0386...0x0386,
      0x0388...0x03E1, 0x03F0...0x03FF, 0x1D26...0x1D2A, 0x1D5D...0x1D61, 0x1D66...0x1D6A, 0x1DBF...0x1DBF,
      0x1F00...0x1FFE, 0x2126...0x2126, 0xAB65...0xAB65, 0x10140...0x1018E, 0x1D200...0x1D245,
    ]),
    (.coptic, [0x03E2...0x03EF, 0x2C80...0x2CFF]),
    (.cyrillic, [
      0x0400...0x0484, 0x0487...0x052F, 0x1C80...0x1C88, 0x1D2B...0x1D2B, 0x1D78...0x1D78, 0x2DE0...0x2DFF,
      0xA640...0xA69F, 0xFE2E...0xFE2F, 0x1E030...0x1E08F,
    ]),
    (.armenian, [0x0531...0x0556, 0x0559...0x058A, 0x058D...0x058F, 0xFB13...0xFB17]),
    (.hebrew, [0x0591...0x05C7, 0x05D0...0x05EA, 0x05EF...0x05F4, 0xFB1D...0xFB4F]),
    (.arabic, [
      0x0600...0x0604, 0x0606...0x060B, 0x060D...0x061A, 0x061C...0x061E, 0x0620...0x063F, 0x0641...0x064A,
      0x0656...0x066F, 0x0671...0x06DC, 0x06DE...0x06FF, 0x0750...0x077F, 0x0870...0x08E1, 0x08E3...0x08FF,
      0xFB50...0xFD3D, 0xFD40...0xFDFF, 0xFE70...0xFEFC,
    ]),
    (.syriac, [0x0700...0x074F, 0x0860...0x086A]),
    (.thaana, [0x0780...0x07B1]),
    (.devanagari, [0x0900...0x0950, 0x0955...0x0963, 0x0966...0x097F, 0xA8E0...0xA8FF]),
    (.bengali, [0x0980...0x09FE]),
    (.gurmukhi, [0x0A01...0x0A76]),
    (.gujarati, [0x0A81...0x0AFF]),
    (.oriya, [0x0B01...0x0B77]),
    (.tamil, [0x0B82...0x0BFA, 0x11FC0...0x11FFF]),
    (.telugu, [0x0C00...0x0C7F]),
    (.kannada, [0x0C80...0x0CF3]),
    (.malayalam, [0x0D00...0x0D7F]),
    (.sinhala, [0x0D81...0x0DF4, 0x111E1...0x111F4]),
    (.thai, [0x0E01...0x0E3A, 0x0E40...0x0E5B]),
    (.lao, [0x0E81...0x0EDF]),
    (.tibetan, [0x0F00...0x0FD4, 0x0FD9...0x0FDA]),
    (.myanmar, [0x1000...0x109F, 0xA9E0...0xA9FE, 0xAA60...0xAA7F]),
    (.georgian, [0x10A0...0x10FA, 0x10FC...0x10FF, 0x1C90...0x1CBF, 0x2D00...0x2D2D]),
    (.hangul, [
      0x1100...0x11FF, 0x302E...0x302F, 0x3131...0x318E, 0x3200...0x321E, 0x3260...0x327E, 0xA960...0xA97C,
      0xAC00...0xD7A3, 0xD7B0...0xD7FB, 0xFFA0...0xFFDC,
    ]),
    (.ethiopic, [0x1200...0x139F, 0x2D80...0x2DDE, 0xAB01...0xAB2E]),
    (.cherokee, [0x13A0...0x13F5, 0x13F8...0x13FD, 0xAB70...0xABBF]),
    (.khmer, [0x1780...0x17FF, 0x19E0...0x19FF]),
    (.mongolian, [0x1800...0x1801, 0x1804...0x1804, 0x1806...0x18AA]),
    (.hiragana, [0x3041...0x3096, 0x309D...0x309F, 0x1B001...0x1B11F, 0x1B132...0x1B132, 0x1B150...0x1B152, 0x1F200...0x1F200]),
    (.katakana, [
      0x30A1...0x30FA, 0x30FD...0x30FF, 0x31F0...0x31FF, 0x32D0...0x32FE, 0x3300...0x3357, 0xFF66...0xFF6F,
      0xFF71...0xFF9D, 0x1AFF0...0x1AFFE, 0x1B000...0x1B000, 0x1B120...0x1B122, 0x1B155...0x1B155,
      0x1B164...0x1B167,
    ]),
    (.bopomofo, [0x02EA...0x02EB, 0x3105...0x312F, 0x31A0...0x31BF]),
    (.han, [
      0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x3005...0x3005, 0x3007...0x3007, 0x3021...0x3029,
      0x3038...0x303B, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFA6D, 0xFA70...0xFAD9, 0x20000...0x2A6DF,
      0x2A700...0x2EBEF, 0x2F800...0x2FA1D, 0x30000...0x323AF,
    ]),
    (.yi, [0xA000...0xA4C6]),
    (.common, [
      0x02B9...0x02DF, 0x02E5...0x02E9, 0x02EC...0x02FF, 0x0374...0x0375, 0x037E...0x037E, 0x0385...0x0385,
      0x0387...0x0387, 0x0605...0x0605, 0x060C...0x060C, 0x061B...0x061B, 0x061F...0x061F, 0x0640...0x0640,
      0x06DD...0x06DD, 0x0964...0x0965, 0x0E3F...0x0E3F, 0x10FB...0x10FB, 0x1802...0x1803, 0x1805...0x1805,
      0x2100...0x2125, 0x2127...0x2129, 0x212C...0x2131, 0x2133...0x214D, 0x214F...0x215F, 0x3006...0x3006,
      0x303C...0x303C, 0x30FB...0x30FC, 0xA700...0xA721, 0xA788...0xA78A, 0xAB5B...0xAB5B, 0xFF70...0xFF70,
      0xFF9E...0xFF9F, 0x1D400...0x1D7FF,
    ]),
    (.inherited, [
      0x0300...0x036F, 0x0485...0x0486, 0x064B...0x0655, 0x0670...0x0670, 0x0951...0x0954, 0x1AB0...0x1ACE,
      0x1CD0...0x1CD2, 0x1CD4...0x1CE0, 0x1CE2...0x1CE8, 0x1CED...0x1CED, 0x1CF4...0x1CF4, 0x1CF8...0x1CF9,
      0x1DC0...0x1DFF, 0x200C...0x200D, 0x20D0...0x20F0, 0x302A...0x302D, 0x3099...0x309A, 0xFE00...0xFE0F,
      0xFE20...0xFE2D, 0x101FD...0x101FD, 0x1D167...0x1D169, 0x1D17B...0x1D182, 0x1D185...0x1D18B,
      0x1D1AA...0x1D1AD, 0xE0100...0xE01EF,
    ]),
  ]
}

extension Unicode.GeneralCategory {
  var isLetter: Bool {
    switch self {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
    default: false
    }
  }
}

extension String {
  /// The text in Normalization Form C.
  ///
  /// Swift has no public normalisation API and this module imports no Foundation, so this uses
  /// the standard library's own NFC (`_nfcCodeUnits`, public in its interface), the one `String`
  /// comparison and hashing rely on. It is linear in the length, also for long runs of marks.
  var canonicallyComposed: String {
    String(decoding: _nfcCodeUnits, as: UTF8.self)
  }
}
