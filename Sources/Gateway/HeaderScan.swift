/// Reads the Message-ID from raw bytes without parsing the message, so the raw
/// mail can be stored before anything else looks at it.
enum HeaderScan {
  /// Only the header block of a mail (bounded), parsed: enough to address a reply
  /// even when the whole message breaks a limit.
  static func headers(_ bytes: [UInt8]) -> Headers {
    let limit = min(bytes.count, 256 * 1024)
    var end = limit
    var index = 0
    while index + 1 < limit {
      if bytes[index] == 0x0A && (bytes[index + 1] == 0x0A || (bytes[index + 1] == 0x0D && index + 2 < limit && bytes[index + 2] == 0x0A)) {
        end = index + 1
        break
      }
      index += 1
    }
    // A header block over the limit is cut at its last whole line: the fields that
    // address a reply (From, Auto-Submitted, List-Id …) come first in practice.
    var cut = end
    if end == limit, let lastLF = bytes[..<end].lastIndex(of: 0x0A) { cut = lastLF + 1 }
    let block = Array(bytes[..<cut]) + Array("\r\n\r\n".utf8)
    let relaxed = MIMELimits(maxHeaderBytes: 2 * 256 * 1024)
    return (try? MIMEMessage.parse(block, limits: relaxed))?.headers ?? Headers(fields: [])
  }

  static func messageID(_ bytes: [UInt8]) -> String? {
    var start = 0
    var found: String?
    // Only the header block: stop at the first empty line; look at no more than 256 KiB.
    let limit = min(bytes.count, 256 * 1024)
    while start < limit {
      var end = start
      while end < limit && bytes[end] != 0x0A { end += 1 }
      var line = bytes[start..<end]
      if line.last == 0x0D { line = line.dropLast() }
      if line.isEmpty { break }
      if line.count >= 11, String(decoding: line.prefix(11), as: UTF8.self).lowercased() == "message-id:" {
        var value = String(decoding: line.dropFirst(11), as: UTF8.self).trimmingCharacters(in: .whitespaces)
        // A folded value continues on the next line.
        if value.isEmpty, end + 1 < limit {
          let next = bytes[(end + 1)...].prefix { $0 != 0x0A && $0 != 0x0D }
          value = String(decoding: next, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        found = String(value.prefix(998))
        break
      }
      start = end + 1
    }
    return found
  }
}

import Foundation
import MIME
