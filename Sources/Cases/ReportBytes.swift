#if canImport(Glibc)
  import Glibc
#endif

/// Byte classes and folding shared by the report scanners.
///
/// The scanners work on the UTF-8 bytes of a report rather than on `Character`s:
/// everything they look for (labels, identifiers, URLs, hosts, dates) is ASCII apart
/// from a few Dutch diacritics, and byte loops keep a 1 MB report well under a second.
enum ReportBytes {
  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
  static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
  static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }
  static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
  static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
  static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }

  /// The ASCII letter a Latin-1 accented letter (the second byte after 0xC3) folds to,
  /// so "coördinator" and "coordinator" match the same label.
  static func foldLatin1(_ second: UInt8) -> UInt8? {
    switch second & 0xDF {  // upper- and lowercase forms differ by 0x20
    case 0x80...0x85: return UInt8(ascii: "a")
    case 0x87: return UInt8(ascii: "c")
    case 0x88...0x8B: return UInt8(ascii: "e")
    case 0x8C...0x8F: return UInt8(ascii: "i")
    case 0x91: return UInt8(ascii: "n")
    case 0x92...0x96: return UInt8(ascii: "o")
    case 0x99...0x9C: return UInt8(ascii: "u")
    case 0x9D: return UInt8(ascii: "y")
    default: return nil
    }
  }

  /// Lowercases ASCII and folds Latin-1 accents; other bytes are kept.
  static func folded(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var pendingC3 = false
    for b in bytes {
      if pendingC3 {
        pendingC3 = false
        if let ascii = foldLatin1(b) {
          out.append(ascii)
          continue
        }
        out.append(0xC3)
      }
      if b == 0xC3 {
        pendingC3 = true
      } else {
        out.append(lower(b))
      }
    }
    if pendingC3 { out.append(0xC3) }
    return out
  }

  /// Whether `phrase` (lowercase ASCII) occurs in `haystack` (already folded) as whole words.
  static func containsWords(_ haystack: [UInt8], _ phrase: String) -> Bool {
    firstWordMatch(haystack, Array(phrase.utf8), from: 0) != nil
  }

  /// The start of the first whole-word occurrence of `needle` in `haystack` at or after `from`.
  ///
  /// Every report is scanned for dozens of phrases; memchr jumps to the next byte that can
  /// start one far faster than a byte loop (this was the parser's largest cost in the benchmark).
  static func firstWordMatch(_ haystack: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
    guard let first = needle.first, needle.count <= haystack.count else { return nil }
    let last = haystack.count - needle.count
    return haystack.withUnsafeBufferPointer { hay -> Int? in
      needle.withUnsafeBufferPointer { pin -> Int? in
        guard let base = hay.baseAddress, let pinBase = pin.baseAddress else { return nil }
        var i = max(0, from)
        while i <= last {
          guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
          i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
          if i == 0 || !isAlnum(hay[i - 1]), memcmp(base + i, pinBase, pin.count) == 0,
             i + pin.count == hay.count || !isAlnum(hay[i + pin.count]) {
            return i
          }
          i += 1
        }
        return nil
      }
    }
  }

  /// Appends `value` unless already present, keeping first-seen order.
  static func appendUnique(_ value: String, to list: inout [String], seen: inout Set<String>) {
    if seen.insert(value).inserted { list.append(value) }
  }
}
