import MIME
import Testing

@Suite("Charsets")
struct CharsetTests {
  @Test(
    "Declared charsets convert to Unicode",
    arguments: [
      ("utf-8", [0x63, 0x61, 0x66, 0xC3, 0xA9, 0x20, 0xE2, 0x82, 0xAC], "café €"),
      ("UTF8", [0xC3, 0xA9], "é"),
      ("us-ascii", Array("plain".utf8), "plain"),
      ("US-ASCII", [0x41, 0xC3, 0xA9], "Aé"),  // mislabelled UTF-8 is read as UTF-8
      ("iso-8859-1", [0x63, 0x61, 0x66, 0xE9, 0xA0, 0xFF], "café\u{A0}ÿ"),
      ("ISO-8859-1", [0x80], "\u{80}"),
      ("latin1", [0xE9], "é"),
      ("iso-8859-2", [0xA9, 0xB9, 0xE8, 0xF8], "Šščř"),
      ("ISO-8859-15", [0xA4, 0xBD, 0xE9], "€œé"),
      ("windows-1250", [0x8A, 0x9A, 0xE8], "Ššč"),
      ("windows-1252", [0x80, 0x93, 0x94, 0xE9], "€“”é"),
      ("cp1252", [0x80], "€"),
      ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "Привет"),
      ("\"utf-8\"", [0xC3, 0xA9], "é"),
      (" Windows-1252 ", [0x80], "€"),
    ] as [(String, [UInt8], String)])
  func knownCharsets(charset: String, bytes: [UInt8], expected: String) {
    #expect(Charset.decode(bytes, charset: charset) == expected)
  }

  @Test("Invalid sequences become replacement characters")
  func invalidSequences() {
    #expect(Charset.decode([0x61, 0xFF, 0x62], charset: "utf-8") == "a\u{FFFD}b")
    #expect(Charset.decode([0x61, 0xC3], charset: "utf-8") == "a\u{FFFD}")
    #expect(Charset.decode([0x81], charset: "windows-1252").contains("\u{FFFD}"))
    #expect(Charset.decode([0x61, 0xFF, 0x62], charset: "shift_jis").hasPrefix("a"))
    #expect(Charset.decode([0xE3, 0x81], charset: "euc-jp").contains("\u{FFFD}"))
  }

  @Test("Unknown charsets fall back to UTF-8 when valid, else ISO-8859-1")
  func unknownCharsets() {
    #expect(Charset.decode([0xC3, 0xA9], charset: "x-no-such-charset") == "é")
    #expect(Charset.decode([0xE9], charset: "x-no-such-charset") == "é")
    #expect(Charset.decode([0xE9], charset: "unknown-8bit") == "é")
    // Names iconv would read as conversion options are not passed to it.
    #expect(Charset.decode([0xE9], charset: "utf-8//TRANSLIT") == "é")
    #expect(Charset.decode([0xE9], charset: String(repeating: "a", count: 500)) == "é")
    #expect(Charset.decode([0xC3, 0xA9], charset: "") == "é")
    #expect(Charset.decode([0xC3, 0xA9], charset: nil) == "é")
  }

  @Test("Stateful and multi-byte charsets convert through iconv")
  func multiByte() {
    // "日本" in ISO-2022-JP: ESC $ B, 0x46 0x7C 0x4B 0x5C, ESC ( B
    #expect(Charset.decode([0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x1B, 0x28, 0x42], charset: "ISO-2022-JP") == "日本")
    #expect(Charset.decode([0xC4, 0xE3, 0xBA, 0xC3], charset: "gb2312") == "你好")
  }

  @Test("Large inputs convert completely")
  func largeInput() {
    let bytes = [UInt8](repeating: 0xE9, count: 100_000)
    #expect(Charset.decode(bytes, charset: "iso-8859-15") == String(repeating: "é", count: 100_000))
    #expect(Charset.decode(bytes, charset: "windows-1250").count == 100_000)
  }

  @Test(
    "A part's text uses its charset",
    arguments: [
      ("iso-8859-1", "8bit", [0xE9], "é"),
      ("iso-8859-2", "quoted-printable", Array("=B9".utf8), "š"),
      ("iso-8859-15", "base64", Array("pA==".utf8), "€"),
      ("windows-1250", "8bit", [0x9A], "š"),
      ("windows-1252", "quoted-printable", Array("=80".utf8), "€"),
      ("utf-8", "base64", Array("4oKs".utf8), "€"),
      ("us-ascii", "7bit", Array("ok".utf8), "ok"),
    ] as [(String, String, [UInt8], String)])
  func partText(charset: String, encoding: String, body: [UInt8], expected: String) throws {
    let header = "Content-Type: text/plain; charset=\"\(charset)\"\r\nContent-Transfer-Encoding: \(encoding)\r\n\r\n"
    let message = try MIMEMessage.parse(Array(header.utf8) + body)
    #expect(message.text(of: message.root) == expected)
  }
}
