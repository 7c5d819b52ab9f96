import MIME
import Testing

@Suite("Transfer decoding")
struct TransferDecodingTests {
  @Test(
    "Base64 decoding tolerates white space, garbage and missing padding",
    arguments: [
      ("SGVsbG8=", "Hello"),
      ("SGVsbG8", "Hello"),
      ("SGVs\r\nbG8=\r\n", "Hello"),
      ("  SG Vs\tbG8 = ", "Hello"),
      ("SGV*sbG8!!=", "Hello"),
      ("SGk=SGk=", "HiHi"),
      ("SGk=\n\nSGk", "HiHi"),
      ("", ""),
      ("=", ""),
      ("Q", ""),
      ("w6k=", "é"),
    ])
  func base64(encoded: String, decoded: String) {
    #expect(Base64Decoding.decode(Array(encoded.utf8)) == Array(decoded.utf8))
  }

  @Test("Base64 round-trips every byte value")
  func base64AllBytes() {
    let bytes = (0...255).map { UInt8($0) }
    let encoded = Base64Reference.encode(bytes)
    #expect(Base64Decoding.decode(Array(encoded.utf8)) == bytes)
  }

  @Test(
    "Quoted-printable decoding per RFC 2045 §6.7",
    arguments: [
      ("caf=C3=A9", [0x63, 0x61, 0x66, 0xC3, 0xA9]),
      ("caf=c3=a9", [0x63, 0x61, 0x66, 0xC3, 0xA9]),
      ("=C2=A0", [0xC2, 0xA0]),
      ("soft=\r\nbreak", Array("softbreak".utf8)),
      ("soft=\nbreak", Array("softbreak".utf8)),
      ("soft= \t\r\nbreak", Array("softbreak".utf8)),
      ("hard\r\nbreak", Array("hard\r\nbreak".utf8)),
      ("hard\nbreak", Array("hard\nbreak".utf8)),
      ("trailing  \t\r\nspace  ", Array("trailing\r\nspace".utf8)),
      ("bad=ZZescape", Array("bad=ZZescape".utf8)),
      ("bad=4", Array("bad=4".utf8)),
      ("end=", Array("end".utf8)),
      ("=", []),
      ("a==41", Array("a=A".utf8)),
      ("under_score", Array("under_score".utf8)),
      ("", []),
      ("\r\n", Array("\r\n".utf8)),
    ] as [(String, [UInt8])])
  func quotedPrintable(encoded: String, decoded: [UInt8]) {
    #expect(QuotedPrintable.decode(Array(encoded.utf8)) == decoded)
  }

  @Test("Q encoded words use underscores for spaces")
  func qEncodedWords() {
    #expect(QuotedPrintable.decodeEncodedWord(Array("a_b=5Fc=3".utf8)) == Array("a b_c=3".utf8))
  }

  @Test("The NBSP line of an inline PGP message in quoted-printable decodes to U+00A0", arguments: LineEnding.allCases)
  func nbspLine(ending: LineEnding) throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: text/plain; charset=UTF-8
      Content-Transfer-Encoding: quoted-printable

      -----BEGIN PGP MESSAGE-----
      =C2=A0
      hQEMA=3D=3D
      -----END PGP MESSAGE-----
      """, ending)
    #expect(message.text(of: message.root) == ending.text("-----BEGIN PGP MESSAGE-----\n\u{A0}\nhQEMA==\n-----END PGP MESSAGE-----"))
  }

  @Test("Unknown transfer encodings return the body as it is")
  func unknownEncoding() throws {
    let message = try MIMEMessage.parse("Content-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n")
    #expect(message.root.transferEncoding == .other("x-uuencode"))
    #expect(message.decodedBody(of: message.root) == Array("begin 644 x\n".utf8))
  }

  @Test("Canonical bytes turn lone LF into CRLF and keep CRLF")
  func canonicalForm() throws {
    let bytes = Array("A: 1\n\nx\r\ny\nz\r\r\n".utf8)
    let message = try MIMEMessage.parse(bytes)
    #expect(message.canonicalBytes(of: message.root) == Array("A: 1\r\n\r\nx\r\ny\r\nz\r\r\n".utf8))
    #expect(message.rawBytes(of: message.root).elementsEqual(bytes))
  }
}

/// An independent encoder, so the decoder is not tested against itself.
enum Base64Reference {
  static func encode(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var output = ""
    var index = 0
    while index < bytes.count {
      let chunk = bytes[index..<min(index + 3, bytes.count)]
      let b0 = Int(chunk[chunk.startIndex])
      let b1 = chunk.count > 1 ? Int(chunk[chunk.startIndex + 1]) : 0
      let b2 = chunk.count > 2 ? Int(chunk[chunk.startIndex + 2]) : 0
      output.append(alphabet[b0 >> 2])
      output.append(alphabet[((b0 & 3) << 4) | (b1 >> 4)])
      output.append(chunk.count > 1 ? alphabet[((b1 & 15) << 2) | (b2 >> 6)] : "=")
      output.append(chunk.count > 2 ? alphabet[b2 & 63] : "=")
      if index % 57 == 54 { output.append("\r\n") }
      index += 3
    }
    return output
  }
}
