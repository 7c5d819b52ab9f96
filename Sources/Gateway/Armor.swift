/// Finds ASCII-armored OpenPGP blocks (RFC 9580 §6.2) inside decoded text.
///
/// Mail clients and transports damage armor in known ways: quoted-printable turns
/// the blank line after the header into a non-breaking space, editors add
/// trailing spaces, Windows clients write CRLF. `normalized` repairs those before
/// the block goes to gpg; nothing else is changed.
struct ArmorBlock: Equatable {
  enum Kind: Equatable { case message, signedMessage, publicKey, signature }
  let kind: Kind
  /// Byte range of the block (from `-----BEGIN` to the end of the `-----END` line) in the text's UTF-8.
  let range: Range<Int>
  let normalized: [UInt8]
}

enum Armor {
  static let begin = Array("-----BEGIN PGP ".utf8)

  /// Every armored block in `text`, in order. Unterminated blocks are ignored.
  static func blocks(in text: [UInt8]) -> [ArmorBlock] {
    var blocks: [ArmorBlock] = []
    // Labels whose END line is missing from some point on: it is missing after every later
    // BEGIN too, so the search is not repeated. Without this, a mail of nothing but BEGIN
    // lines makes the search quadratic (hours for a few megabytes).
    var unterminated: Set<String> = []
    var lineStart = 0
    var index = 0
    while index < text.count {
      // Only a BEGIN at the start of a line counts.
      if index == lineStart, text.count - index >= begin.count, text[index..<(index + begin.count)].elementsEqual(begin) {
        switch block(in: text, from: index, unterminated: unterminated) {
        case .found(let block):
          blocks.append(block)
          index = block.range.upperBound
          lineStart = index
          continue
        case .unterminated(let label):
          unterminated.insert(label)
        case .notArmor:
          break
        }
      }
      if text[index] == 0x0A { lineStart = index + 1 }
      index += 1
    }
    return blocks
  }

  private enum Search { case found(ArmorBlock), unterminated(label: String), notArmor }

  private static func block(in text: [UInt8], from start: Int, unterminated: Set<String>) -> Search {
    let headerEnd = text[start...].firstIndex(of: 0x0A) ?? text.count
    let header = String(decoding: text[start..<headerEnd], as: UTF8.self).trimmingTrailing()
    let kind: ArmorBlock.Kind
    let label: String
    switch header {
    case "-----BEGIN PGP MESSAGE-----": (kind, label) = (.message, "MESSAGE")
    case "-----BEGIN PGP SIGNED MESSAGE-----": (kind, label) = (.signedMessage, "SIGNATURE")
    case "-----BEGIN PGP PUBLIC KEY BLOCK-----": (kind, label) = (.publicKey, "PUBLIC KEY BLOCK")
    case "-----BEGIN PGP SIGNATURE-----": (kind, label) = (.signature, "SIGNATURE")
    default: return .notArmor
    }
    guard !unterminated.contains(label) else { return .unterminated(label: label) }
    let endMarker = Array("-----END PGP \(label)-----".utf8)
    var lineStart = headerEnd + 1
    while lineStart < text.count {
      let lineEnd = text[lineStart...].firstIndex(of: 0x0A) ?? text.count
      if text.count - lineStart >= endMarker.count, text[lineStart..<(lineStart + endMarker.count)].elementsEqual(endMarker) {
        let end = min(lineEnd + 1, text.count)
        return .found(ArmorBlock(kind: kind, range: start..<end, normalized: normalize(text[start..<end])))
      }
      lineStart = lineEnd + 1
    }
    return .unterminated(label: label)
  }

  /// Line ends to LF and trailing blanks removed from each line (gpg ignores trailing
  /// whitespace in cleartext-signed text too, so this is safe for all four kinds).
  static func normalize(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var line: [UInt8] = []
    func flush() {
      while let last = line.last, last == 0x20 || last == 0x09 || last == 0x0D { line.removeLast() }
      // A line of nothing but blanks and non-breaking spaces (UTF-8 C2 A0, Latin-1 A0)
      // is the blank line quoted-printable mangled; anything else keeps its NBSPs.
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0xC2 || $0 == 0xA0 }) { line.removeAll() }
      out += line
      line.removeAll(keepingCapacity: true)
    }
    for byte in bytes {
      if byte == 0x0A { flush(); out.append(0x0A) } else { line.append(byte) }
    }
    flush()
    return out
  }
}

extension String {
  /// Drops trailing spaces, tabs, CR and NBSP.
  func trimmingTrailing() -> String {
    var scalars = Substring(self).unicodeScalars
    while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\u{00A0}" { scalars.removeLast() }
    return String(scalars)
  }
}
