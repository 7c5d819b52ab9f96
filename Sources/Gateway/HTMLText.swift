/// The text of an HTML body, just far enough to find OpenPGP armor that a mail
/// client pasted into HTML (line breaks as `<br>`, `&nbsp;` in blank lines).
/// Not a renderer: tags are dropped, block ends become line ends, the common
/// entities are decoded.
enum HTMLText {
  static func plain(_ html: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(html.count)
    var index = 0
    while index < html.count {
      let byte = html[index]
      if byte == UInt8(ascii: "<") {
        let end = html[index...].firstIndex(of: UInt8(ascii: ">")) ?? html.count - 1
        let tag = String(decoding: html[(index + 1)..<min(end, index + 8)], as: UTF8.self).lowercased()
        if tag.hasPrefix("br") || tag.hasPrefix("/p") || tag.hasPrefix("/div") || tag.hasPrefix("p ") || tag == "p" || tag.hasPrefix("/pre") {
          out.append(0x0A)
        }
        index = end + 1
        continue
      }
      if byte == UInt8(ascii: "&"), let semicolon = html[index...].prefix(10).firstIndex(of: UInt8(ascii: ";")) {
        let name = String(decoding: html[(index + 1)..<semicolon], as: UTF8.self).lowercased()
        if let decoded = entity(name) {
          out += decoded
          index = semicolon + 1
          continue
        }
      }
      // Source line breaks inside HTML are not text line breaks.
      if byte != 0x0A && byte != 0x0D { out.append(byte) } else if out.last != 0x0A && out.last != 0x20 { out.append(0x20) }
      index += 1
    }
    return out
  }

  private static func entity(_ name: String) -> [UInt8]? {
    switch name {
    case "lt": return [UInt8(ascii: "<")]
    case "gt": return [UInt8(ascii: ">")]
    case "amp": return [UInt8(ascii: "&")]
    case "quot": return [UInt8(ascii: "\"")]
    case "#39", "apos": return [UInt8(ascii: "'")]
    case "nbsp", "#160": return [0x20]
    default:
      if name.hasPrefix("#"), let value = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(value), scalar.isASCII {
        return [UInt8(value)]
      }
      return nil
    }
  }
}
