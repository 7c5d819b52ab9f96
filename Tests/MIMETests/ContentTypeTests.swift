import MIME
import Testing

@Suite("Content-Type and Content-Disposition")
struct ContentTypeTests {
  @Test("Type, subtype and parameter names are lower-cased; values keep their case")
  func normalisation() {
    let type = ContentType.parse("TEXT/HTML; CHARSET=UTF-8; Format=Flowed")
    #expect(type.type == "text")
    #expect(type.subtype == "html")
    #expect(type.mimeType == "text/html")
    #expect(type.parameters == ["charset": "UTF-8", "format": "Flowed"])
    #expect(type["Charset"] == "UTF-8")
  }

  @Test("Quoted strings are unquoted, with backslash escapes")
  func quotedStrings() {
    let type = ContentType.parse(#"multipart/signed; boundary="a\"b;c"; protocol="application/pgp-signature"; micalg=pgp-sha256"#)
    #expect(type.mimeType == "multipart/signed")
    #expect(type["boundary"] == #"a"b;c"#)
    #expect(type["protocol"] == "application/pgp-signature")
    #expect(type["micalg"] == "pgp-sha256")
  }

  @Test("Folded values with odd spacing parse")
  func spacing() {
    let type = ContentType.parse("multipart/mixed;\r\n boundary = \"xyz\" ;\r\n\tcharset=utf-8;;")
    #expect(type["boundary"] == "xyz")
    #expect(type["charset"] == "utf-8")
  }

  @Test("A comment after white space is dropped; parentheses inside a token are kept")
  func comments() {
    #expect(ContentType.parse("text/plain; charset=us-ascii (Plain text)")["charset"] == "us-ascii")
    #expect(ContentType.parse("text/plain (a comment); charset=utf-8").mimeType == "text/plain")
    #expect(ContentType.parse("application/pdf; name=report(1).pdf")["name"] == "report(1).pdf")
  }

  @Test(
    "Invalid media types read as text/plain",
    arguments: ["", "garbage", "text/", "/plain", "te xt/plain", "text/pl@in", ";;;", "\"text/plain\""])
  func invalidTypes(value: String) {
    #expect(ContentType.parse(value).mimeType == "text/plain")
  }

  @Test("The first of duplicate parameters wins; parameters without values are skipped")
  func duplicates() {
    let type = ContentType.parse("text/plain; charset=utf-8; charset=latin1; novalue; =orphan; name=\"unterminated")
    #expect(type.parameters == ["charset": "utf-8", "name": "unterminated"])
  }

  @Test("RFC 2231 charset and language encoding")
  func rfc2231Encoding() {
    let disposition = ContentDisposition.parse("attachment; filename*=UTF-8''%E2%82%AC%20rates.txt")
    #expect(disposition.kind == "attachment")
    #expect(disposition.filename == "€ rates.txt")
    let latin = ContentDisposition.parse("attachment; filename*=iso-8859-1'fr'r%E9sum%E9.pdf")
    #expect(latin.filename == "résumé.pdf")
    let noCharset = ContentDisposition.parse("attachment; filename*=''plain%20name.txt")
    #expect(noCharset.filename == "plain name.txt")
  }

  @Test("RFC 2231 continuations, plain and encoded, are joined in order")
  func rfc2231Continuations() {
    // RFC 2231 §3 example.
    let external = ContentType.parse(
      "message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"")
    #expect(external["url"] == "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar")
    #expect(external["access-type"] == "URL")
    // RFC 2231 §4.1: encoded and unencoded sections mixed, out of order.
    let mixed = ContentType.parse(
      "application/x-stuff; title*2=\"isn't it!\"; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*0*=us-ascii'en'This%20is%20even%20more%20")
    #expect(mixed["title"] == "This is even more ***fun*** isn't it!")
    let latin = ContentDisposition.parse(
      "attachment; filename*0*=ISO-8859-1'en'caf%E9; filename*1*=%20menu; filename*2=\".txt\"")
    #expect(latin.filename == "café menu.txt")
    let utf8 = ContentDisposition.parse("attachment; filename*0*=utf-8''%C3; filename*1*=%A9t%C3%A9.txt")
    #expect(utf8.filename == "été.txt")
  }

  @Test("A missing section ends the value; malformed section numbers are skipped")
  func rfc2231Gaps() {
    let gap = ContentType.parse("text/plain; name*0=a; name*2=c")
    #expect(gap["name"] == "a")
    let noZero = ContentType.parse("text/plain; name*1=b")
    #expect(noZero["name"] == nil)
    let bad = ContentType.parse("text/plain; name*x=b; name*99999=c; name=plain")
    #expect(bad["name"] == "plain")
  }

  @Test("RFC 2231 forms win over plain ones")
  func rfc2231Precedence() {
    let type = ContentType.parse("application/pdf; name=\"fallback.pdf\"; name*=utf-8''r%C3%A9el.pdf")
    #expect(type["name"] == "réel.pdf")
  }

  @Test("RFC 2047 words inside quoted names are decoded, as real clients send them")
  func encodedWordNames() {
    let type = ContentType.parse("application/octet-stream; name=\"=?UTF-8?B?w6kudHh0?=\"")
    #expect(type["name"] == "é.txt")
  }

  @Test("Unknown or empty dispositions")
  func dispositions() {
    #expect(ContentDisposition.parse("INLINE").kind == "inline")
    #expect(ContentDisposition.parse("").kind == "attachment")
    #expect(ContentDisposition.parse("; filename=x").filename == "x")
    #expect(ContentDisposition.parse("inline; filename=\"a b.txt\"").filename == "a b.txt")
  }

  @Test("A part's file name comes from the disposition, else the Content-Type name")
  func partFilename() throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: multipart/mixed; boundary=b

      --b
      Content-Type: text/plain; name="type-name.txt"
      Content-Disposition: attachment; filename="disposition-name.txt"

      one
      --b
      Content-Type: text/plain; name="type-name.txt"

      two
      --b
      Content-Type: text/plain

      three
      --b--
      """)
    #expect(message.root.children.map(\.filename) == ["disposition-name.txt", "type-name.txt", nil])
    #expect(message.root.children[0].disposition?.isAttachment == true)
  }

  @Test(
    "Transfer encodings",
    arguments: [
      (nil, TransferEncoding.sevenBit), ("", .sevenBit), ("7BIT", .sevenBit), ("8bit", .eightBit),
      ("Binary", .binary), (" Quoted-Printable ", .quotedPrintable), ("BASE64", .base64),
      ("base64 (comment)", .base64), ("x-uuencode", .other("x-uuencode")),
    ] as [(String?, TransferEncoding)])
  func transferEncodings(value: String?, expected: TransferEncoding) {
    #expect(TransferEncoding.parse(value) == expected)
  }
}
