/// RFC 3492 Punycode: the Bootstring encoding that carries one Unicode label in ASCII.
///
/// A reporter's domain may arrive as `repörter.example` or as `xn--reprter-c1a.example`; the gateway
/// has to see that both are one name, and show the team each form. This works on one label without
/// the `xn--` prefix (see ``IDNA`` for whole domain names), follows the pseudo-code of
/// [RFC 3492 §6](https://www.rfc-editor.org/rfc/rfc3492#section-6) with its overflow checks
/// against 2³¹−1, and writes digits in lower case (no mixed-case annotation, §A). Basic code points
/// keep their case.
public enum Punycode {
  /// Most code points of Unicode text that either direction handles: ``encode(_:)`` refuses longer
  /// input and ``decode(_:)`` refuses input that would decode to more.
  ///
  /// A DNS label holds at most 63 octets, so this is far above any real use; it exists because both
  /// loops are quadratic in the length, and a hostile header must not cost seconds.
  public static let maxLength = 1024
  /// Each digit after a code point's first multiplies its weight by at least 10 (base − tMax),
  /// so a delta under 2³¹ takes at most 11 digits, and no valid encoding of ``maxLength`` code
  /// points is longer than this.
  private static let maxEncodedLength = 12 * maxLength

  private static let base = 36
  private static let tMin = 1
  private static let tMax = 26
  private static let skew = 38
  private static let damp = 700
  private static let initialBias = 72
  private static let initialN = 0x80
  private static let delimiter = UInt8(ascii: "-")
  private static let maxInt = Int(Int32.max)

  /// The Punycode of `label`, or nil when it is longer than ``maxLength`` or would overflow.
  public static func encode(_ label: String) -> String? {
    let input = label.unicodeScalars.map { Int($0.value) }
    guard input.count <= maxLength else { return nil }
    var output = input.filter { $0 < initialN }.map { UInt8($0) }
    let basicCount = output.count
    if basicCount > 0 { output.append(delimiter) }

    var n = initialN, delta = 0, bias = initialBias, handled = basicCount
    while handled < input.count {
      guard let next = input.lazy.filter({ $0 >= n }).min() else { return nil }
      guard next - n <= (maxInt - delta) / (handled + 1) else { return nil }
      delta += (next - n) * (handled + 1)
      n = next
      for codePoint in input {
        if codePoint < n {
          delta += 1
          guard delta <= maxInt else { return nil }
        }
        guard codePoint == n else { continue }
        var q = delta, k = base
        while true {
          let t = threshold(k, bias)
          if q < t { break }
          output.append(digit(t + (q - t) % (base - t)))
          q = (q - t) / (base - t)
          k += base
        }
        output.append(digit(q))
        bias = adapt(delta, points: handled + 1, first: handled == basicCount)
        delta = 0
        handled += 1
      }
      delta += 1
      n += 1
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// The Unicode text of a Punycode `label`, or nil when it is not valid Punycode.
  ///
  /// Upper-case digits are accepted, as §5 requires. A result that is not a Unicode scalar
  /// (a surrogate, or past U+10FFFF) or that inserts a basic code point is refused (§6.2).
  public static func decode(_ label: String) -> String? {
    let input = Array(label.utf8)
    guard input.count <= maxEncodedLength, input.allSatisfy({ $0 < 0x80 }) else { return nil }
    let basicEnd = input.lastIndex(of: delimiter) ?? 0
    guard basicEnd <= maxLength else { return nil }
    var output = input[..<basicEnd].map { Unicode.Scalar($0) }
    var position = basicEnd > 0 ? basicEnd + 1 : 0

    var n = initialN, i = 0, bias = initialBias
    while position < input.count {
      let oldI = i
      var weight = 1, k = base
      while true {
        guard position < input.count, let value = digitValue(input[position]) else { return nil }
        position += 1
        guard value <= (maxInt - i) / weight else { return nil }
        i += value * weight
        let t = threshold(k, bias)
        if value < t { break }
        guard weight <= maxInt / (base - t) else { return nil }
        weight *= base - t
        k += base
      }
      let length = output.count + 1
      guard length <= maxLength else { return nil }
      bias = adapt(i - oldI, points: length, first: oldI == 0)
      guard i / length <= maxInt - n else { return nil }
      n += i / length
      i %= length
      guard n >= initialN, let scalar = Unicode.Scalar(UInt32(n)) else { return nil }
      output.insert(scalar, at: i)
      i += 1
    }
    var text = String.UnicodeScalarView()
    text.append(contentsOf: output)
    return String(text)
  }

  private static func threshold(_ k: Int, _ bias: Int) -> Int {
    if k <= bias { return tMin }
    if k >= bias + tMax { return tMax }
    return k - bias
  }

  /// The bias adaptation of RFC 3492 §6.1.
  private static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
    var delta = first ? delta / damp : delta / 2
    delta += delta / points
    var k = 0
    while delta > ((base - tMin) * tMax) / 2 {
      delta /= base - tMin
      k += base
    }
    return k + (base - tMin + 1) * delta / (delta + skew)
  }

  /// 0…25 are a…z and 26…35 are 0…9 (§5).
  private static func digit(_ value: Int) -> UInt8 {
    value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
  }

  private static func digitValue(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a"))
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
    case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 26
    default: nil
    }
  }
}

/// IDNA2008 conversion of a whole domain name between its Unicode form and its ASCII form.
///
/// Follows the ToASCII and ToUnicode steps of [RFC 5891 §4–5](https://www.rfc-editor.org/rfc/rfc5891#section-4)
/// with the mapping of [RFC 5895](https://www.rfc-editor.org/rfc/rfc5895) done first (fullwidth
/// forms to ASCII, ideographic full stops to ".", lower case, NFC), because mail clients map the same
/// way before they look a name up. Labels are checked against a practical subset of RFC 5892: letters,
/// combining marks and decimal digits, no spaces, symbols, punctuation, control or invisible
/// characters, no hyphen at either end or in positions 3–4, no mark at the start. The Bidi rule
/// (RFC 5893) and the full derived-property table are not applied. An `xn--` label must decode to a
/// valid label that encodes back to itself, so one name has exactly one ASCII form. A label over
/// 63 octets, an empty label, or a name over 253 octets has no form at all.
public enum IDNA {
  static let acePrefix = "xn--"
  static let maxLabelOctets = 63
  static let maxNameOctets = 253
  /// Mapping can shrink a name (NFC composes up to four scalars into one, each of up to four
  /// octets), so no input above this can map to a name of 253 octets; it is refused before work.
  static let maxInputOctets = 4 * 4 * maxNameOctets

  /// One label in both forms.
  struct Label: Sendable, Equatable {
    let ascii: String
    let unicode: String
  }

  /// The ASCII form of `domain` (A-labels for non-ASCII labels), or nil when it has none.
  public static func toASCII(_ domain: String) -> String? {
    labels(of: domain).map { $0.map(\.ascii).joined(separator: ".") }
  }

  /// The Unicode form of `domain` (A-labels decoded), or nil when it has no valid ASCII form.
  public static func toUnicode(_ domain: String) -> String? {
    labels(of: domain).map { $0.map(\.unicode).joined(separator: ".") }
  }

  /// Both forms of every label of `domain`, or nil when any label is invalid.
  static func labels(of domain: String) -> [Label]? {
    guard domain.utf8.count <= maxInputOctets else { return nil }
    let mapped = mapped(domain)
    var labels: [Label] = []
    var octets = 0
    for part in mapped.split(separator: ".", omittingEmptySubsequences: false) {
      guard let label = label(String(part)), label.ascii.utf8.count <= maxLabelOctets else { return nil }
      octets += label.ascii.utf8.count + (labels.isEmpty ? 0 : 1)
      guard octets <= maxNameOctets else { return nil }
      labels.append(label)
    }
    return labels
  }

  private static func label(_ text: String) -> Label? {
    guard !text.isEmpty else { return nil }
    guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
      // Every code point costs at least one character of Punycode, so a longer label cannot fit,
      // and refusing it here keeps the quadratic encoder away from hostile lengths.
      guard text.unicodeScalars.count <= maxLabelOctets - acePrefix.count, isValidULabel(text),
        let encoded = Punycode.encode(text)
      else { return nil }
      return Label(ascii: acePrefix + encoded, unicode: text)
    }
    guard text.utf8.count <= maxLabelOctets else { return nil }
    guard text.hasPrefix(acePrefix) else { return Label(ascii: text, unicode: text) }
    let body = String(text.dropFirst(acePrefix.count))
    guard let decoded = Punycode.decode(body),
      decoded.unicodeScalars.contains(where: { !$0.isASCII }),
      // Scalars, not Strings: String equality is canonical equivalence and would let a
      // decomposed (non-NFC) label through as a second A-label for the same name.
      mapped(decoded).unicodeScalars.elementsEqual(decoded.unicodeScalars), isValidULabel(decoded),
      Punycode.encode(decoded) == body
    else { return nil }
    return Label(ascii: text, unicode: decoded)
  }

  /// RFC 5895's mapping: what a user means by the name, before it is checked.
  static func mapped(_ domain: String) -> String {
    var view = String.UnicodeScalarView()
    for scalar in domain.unicodeScalars {
      switch scalar.value {
      case 0x3002, 0xFF0E, 0xFF61: view.append(".")
      case 0xFF01...0xFF5E: view.append(Unicode.Scalar(UInt8(scalar.value - 0xFEE0)))
      default: view.append(scalar)
      }
    }
    return String(view).lowercased().canonicallyComposed
  }

  private static func isValidULabel(_ label: String) -> Bool {
    let scalars = Array(label.unicodeScalars)
    guard let first = scalars.first, let last = scalars.last else { return false }
    if first == "-" || last == "-" { return false }
    if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" { return false }
    if first.properties.generalCategory.isMark { return false }
    let japanese = scalars.contains { UnicodeScript.japanese.contains(UnicodeScript.of($0)) }
    for (index, scalar) in scalars.enumerated() {
      if scalar.isASCII {
        guard scalar == "-" || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) else { return false }
        continue
      }
      switch scalar.value {
      case 0x00B7:  // RFC 5892 A.3: a middle dot only between two l, as in Catalan "col·lecció"
        guard index > 0, index + 1 < scalars.count, scalars[index - 1] == "l", scalars[index + 1] == "l"
        else { return false }
        continue
      case 0x30FB:  // RFC 5892 A.9: a katakana middle dot only in Japanese text
        guard japanese else { return false }
        continue
      default: break
      }
      if Confusables.isInvisible(scalar) || Confusables.isCompatibilityForm(scalar) { return false }
      switch scalar.properties.generalCategory {
      case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber: continue
      default: return false
      }
    }
    return true
  }
}

extension Unicode.GeneralCategory {
  var isMark: Bool { self == .nonspacingMark || self == .spacingMark || self == .enclosingMark }
}
