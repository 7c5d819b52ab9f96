#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts text in a MIME charset (RFC 2046 §4.1.2, RFC 2047 §2) to a Swift `String`.
///
/// Mail declares its charset per part and per encoded word, and names any charset a client
/// likes. UTF-8, US-ASCII and ISO-8859-1 are converted in Swift; every other name goes to glibc
/// `iconv(3)` (<https://man7.org/linux/man-pages/man3/iconv.3.html>). Conversion never fails:
/// invalid sequences in a known charset become U+FFFD, and text in a charset iconv does not know
/// is read as UTF-8 if it is valid UTF-8, else as ISO-8859-1, so no byte is silently dropped.
public enum Charset {
  /// The text of `bytes` in `charset` (a MIME charset name, any case, quotes and white space
  /// tolerated; `nil` or empty means US-ASCII; a name with characters no charset name has, such
  /// as `utf-8//TRANSLIT`, counts as unknown). US-ASCII is read as UTF-8, because mislabelled 8-bit
  /// mail is common and UTF-8 is a superset.
  public static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> String {
    guard let charset, !ASCII.trimmed(ArraySlice(charset.utf8)).isEmpty else { return decodeUTF8(bytes) }
    guard let name = canonicalName(charset) else { return decodeUnknown(Array(bytes)) }
    switch name {
    case "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "unicode-1-1-utf-8":
      return decodeUTF8(bytes)
    case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819", "ibm819":
      return decodeLatin1(bytes)
    default:
      let input = Array(bytes)
      if let converter = IconvConverter(from: aliases[name] ?? name) {
        return converter.convert(input)
      }
      return decodeUnknown(input)
    }
  }

  /// Text in a charset iconv does not know: UTF-8 if it is valid UTF-8, else ISO-8859-1.
  static func decodeUnknown(_ bytes: [UInt8]) -> String {
    String(validating: bytes, as: UTF8.self) ?? decodeLatin1(bytes)
  }

  /// Names glibc does not know, mapped to the charset that mail clients actually mean.
  private static let aliases: [String: String] = [
    "ks_c_5601-1987": "cp949",
    "x-sjis": "shift_jis",
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gbk",
    "x-gbk": "gbk",
    "x-mac-roman": "macintosh",
    "unicode-1-1-utf-7": "utf-7",
  ]

  /// The lower-cased charset name, or nil when absent or unusable. Only names made of
  /// letters, digits and `-_.:` reach iconv, so input can't add `//TRANSLIT`-style suffixes.
  static func canonicalName(_ charset: String?) -> String? {
    guard let charset else { return nil }
    var bytes = ArraySlice(charset.utf8)
    bytes = ASCII.trimmed(bytes)
    while let first = bytes.first, first == ASCII.quote || first == ASCII.apostrophe { bytes = bytes.dropFirst() }
    while let last = bytes.last, last == ASCII.quote || last == ASCII.apostrophe { bytes = bytes.dropLast() }
    bytes = ASCII.trimmed(bytes)
    guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
    for byte in bytes {
      let lower = ASCII.lowercased(byte)
      let allowed = (lower >= 0x61 && lower <= 0x7A) || ASCII.isDigit(lower)
        || lower == ASCII.hyphen || lower == ASCII.underscore || lower == 0x2E || lower == ASCII.colon
      guard allowed else { return nil }
    }
    return ASCII.lowercasedString(bytes)
  }

  static func decodeUTF8(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  /// ISO-8859-1 maps each byte to the code point of the same value.
  static func decodeLatin1(_ bytes: some Collection<UInt8>) -> String {
    var utf8: [UInt8] = []
    utf8.reserveCapacity(bytes.count + bytes.count / 4)
    for byte in bytes {
      if byte < 0x80 {
        utf8.append(byte)
      } else {
        utf8.append(0xC0 | (byte >> 6))
        utf8.append(0x80 | (byte & 0x3F))
      }
    }
    return String(decoding: utf8, as: UTF8.self)
  }
}

/// One `iconv_t` conversion descriptor from a charset to UTF-8.
///
/// It is created and closed within one ``Charset/decode(_:charset:)`` call and never shared,
/// so it needs no locking; `deinit` closes it on every path.
private final class IconvConverter {
  private let handle: iconv_t

  init?(from charset: String) {
    guard let handle = iconv_open("UTF-8", charset), Int(bitPattern: handle) != -1 else { return nil }
    self.handle = handle
  }

  deinit { iconv_close(handle) }

  /// The converted text; each byte iconv rejects becomes one U+FFFD and is skipped.
  func convert(_ input: [UInt8]) -> String {
    let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
    var output: [UInt8] = []
    output.reserveCapacity(input.count + input.count / 2 + 16)
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    input.withUnsafeBufferPointer { inBuffer in
      guard let inBase = inBuffer.baseAddress else { return }
      var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase)
        .assumingMemoryBound(to: CChar.self)
      var inLeft = inBuffer.count
      chunk.withUnsafeMutableBufferPointer { outBuffer in
        guard let outBase = outBuffer.baseAddress else { return }
        let outStart = UnsafeMutableRawPointer(outBase).assumingMemoryBound(to: CChar.self)
        func drain(_ outLeft: Int) {
          let produced = outBuffer.count - outLeft
          if produced > 0 { output.append(contentsOf: outBuffer[0..<produced]) }
        }
        while inLeft > 0 {
          var outPointer: UnsafeMutablePointer<CChar>? = outStart
          var outLeft = outBuffer.count
          let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
          let failure = result == -1 ? errno : 0
          drain(outLeft)
          if result != -1 { break }
          switch failure {
          case E2BIG:
            if outLeft == outBuffer.count { inLeft = 0 }  // no progress possible; stop rather than spin
          case EINVAL:
            output.append(contentsOf: replacement)  // truncated sequence at the end
            inLeft = 0
          default:
            output.append(contentsOf: replacement)  // EILSEQ: skip one byte and resynchronise
            inPointer = inPointer.map { $0 + 1 }
            inLeft -= 1
          }
        }
        // Return a stateful encoding (e.g. ISO-2022-JP) to its initial state.
        var outPointer: UnsafeMutablePointer<CChar>? = outStart
        var outLeft = outBuffer.count
        _ = iconv(handle, nil, nil, &outPointer, &outLeft)
        drain(outLeft)
      }
    }
    return String(decoding: output, as: UTF8.self)
  }
}
