import MIME
import Testing

@Suite("Multipart structure")
struct MultipartTests {
  /// A signed-then-wrapped structure like a decrypted PGP/MIME payload: multipart/encrypted
  /// (control part, then the payload) whose payload is multipart/signed over a multipart/mixed.
  static let nested = """
    From: alice@example.org
    To: security@example.org
    Subject: nested
    MIME-Version: 1.0
    Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";
     boundary="enc"

    This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)
    --enc
    Content-Type: application/pgp-encrypted

    Version: 1
    --enc
    Content-Type: multipart/signed; micalg=pgp-sha256;
     protocol="application/pgp-signature"; boundary="sig"

    --sig
    Content-Type: multipart/mixed; boundary="sig-inner"

    --sig-inner
    Content-Type: text/plain; charset=utf-8
    Content-Transfer-Encoding: quoted-printable

    Caf=C3=A9 is vulnerable.
    --sig-inner
    Content-Type: application/octet-stream
    Content-Disposition: attachment; filename="poc.bin"
    Content-Transfer-Encoding: base64

    AAEC
    AwQ=
    --sig-inner--

    --sig
    Content-Type: application/pgp-signature; name="signature.asc"

    -----BEGIN PGP SIGNATURE-----
    iQEz
    -----END PGP SIGNATURE-----

    --sig--

    --enc--
    epilogue
    """

  @Test("Nested multipart ranges are exact", arguments: LineEnding.allCases)
  func nestedRanges(ending: LineEnding) throws {
    let message = try MIMEMessage.parse(Self.nested, ending)
    let t = ending.text
    let root = message.root
    #expect(root.contentType.mimeType == "multipart/encrypted")
    #expect(root.range == 0..<message.bytes.count)
    #expect(message.string(root.headerRange)?.hasPrefix("From: ") == true)
    #expect(message.string(root.headerRange)?.hasSuffix(t("boundary=\"enc\"\n")) == true)
    #expect(message.string(root.preamble) == "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)")
    #expect(message.string(root.epilogue) == "epilogue")
    #expect(root.children.count == 2)

    let control = root.children[0]
    #expect(control.path == "/1")
    #expect(message.string(control.range) == t("Content-Type: application/pgp-encrypted\n\nVersion: 1"))
    #expect(message.string(control.headerRange) == t("Content-Type: application/pgp-encrypted\n"))
    #expect(message.string(control.bodyRange) == "Version: 1")
    #expect(control.preamble == nil && control.epilogue == nil)

    let signed = root.children[1]
    #expect(signed.path == "/2")
    #expect(signed.contentType.mimeType == "multipart/signed")
    #expect(signed.contentType["protocol"] == "application/pgp-signature")
    #expect(message.string(signed.preamble) == "")
    #expect(message.string(signed.epilogue) == "")
    #expect(signed.range.upperBound == offset(of: t("\n--enc--"), in: message.bytes))
    #expect(signed.children.count == 2)

    let signedContent = signed.children[0]
    let signedSource = """
      Content-Type: multipart/mixed; boundary="sig-inner"

      --sig-inner
      Content-Type: text/plain; charset=utf-8
      Content-Transfer-Encoding: quoted-printable

      Caf=C3=A9 is vulnerable.
      --sig-inner
      Content-Type: application/octet-stream
      Content-Disposition: attachment; filename="poc.bin"
      Content-Transfer-Encoding: base64

      AAEC
      AwQ=
      --sig-inner--

      """
    let signedText = t(signedSource)
    #expect(message.string(signedContent.range) == signedText)
    #expect(signedContent.range.lowerBound == offset(of: t("Content-Type: multipart/mixed"), in: message.bytes))
    #expect(signedContent.range.upperBound == offset(of: t("\n--sig\nContent-Type: application/pgp-sig"), in: message.bytes))
    #expect(message.canonicalBytes(of: signedContent) == LineEnding.crlf.bytes(signedSource))
    #expect(message.string(signedContent.epilogue) == "")

    let body = signedContent.children[0]
    #expect(body.path == "/2/1/1")
    #expect(message.string(body.bodyRange) == "Caf=C3=A9 is vulnerable.")
    #expect(message.text(of: body) == "Café is vulnerable.")
    let attachment = signedContent.children[1]
    #expect(attachment.path == "/2/1/2")
    #expect(attachment.filename == "poc.bin")
    #expect(attachment.transferEncoding == .base64)
    #expect(message.string(attachment.bodyRange) == t("AAEC\nAwQ="))
    #expect(message.decodedBody(of: attachment) == [0, 1, 2, 3, 4])

    let signature = signed.children[1]
    #expect(signature.path == "/2/2")
    #expect(message.string(signature.bodyRange) == t("-----BEGIN PGP SIGNATURE-----\niQEz\n-----END PGP SIGNATURE-----\n"))

    #expect(message.allParts.map(\.path) == ["/", "/1", "/2", "/2/1", "/2/1/1", "/2/1/2", "/2/2"])
    #expect(message.part(at: "/2/1/2") == attachment)
    #expect(message.part(at: "/") == root)
    #expect(message.part(at: "/3") == nil)
    #expect(message.part(at: "/0") == nil)
    #expect(message.part(at: "2") == nil)
    #expect(message.part(at: "/x") == nil)
  }

  @Test("LF and CRLF input give the same tree")
  func lineEndingsAgree() throws {
    let lf = try MIMEMessage.parse(Self.nested, .lf)
    let crlf = try MIMEMessage.parse(Self.nested, .crlf)
    #expect(lf.allParts.map(\.path) == crlf.allParts.map(\.path))
    #expect(lf.allParts.map(\.contentType) == crlf.allParts.map(\.contentType))
    for (a, b) in zip(lf.allParts, crlf.allParts) {
      #expect(lf.canonicalBytes(of: a) == crlf.canonicalBytes(of: b))
      #expect(lf.decodedBody(of: a).isEmpty == crlf.decodedBody(of: b).isEmpty)
    }
  }

  @Test("Preamble and epilogue are reported outside the parts", arguments: LineEnding.allCases)
  func preambleAndEpilogue(ending: LineEnding) throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: multipart/mixed; boundary=b

      unsigned text before
      more before
      --b

      part one
      --b--
      unsigned text after
      """, ending)
    #expect(message.string(message.root.preamble) == ending.text("unsigned text before\nmore before"))
    #expect(message.string(message.root.epilogue) == "unsigned text after")
    #expect(message.root.children.count == 1)
    let part = message.root.children[0]
    #expect(part.headerRange.isEmpty)
    #expect(part.headers.fields.isEmpty)
    #expect(part.contentType == .defaultPlain)
    #expect(message.string(part.bodyRange) == "part one")
  }

  @Test("Delimiters must start a line and match the whole boundary")
  func delimiterMatching() throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: multipart/mixed; boundary=b

      --b\t \n\
      A: 1

      not a delimiter: --b
       --b
      --bb
      --b-x
      --b--x
      --b
      A: 2

      two
      --b--\t
      """)
    #expect(message.root.children.count == 2)
    #expect(message.string(message.root.children[0].bodyRange) == "not a delimiter: --b\n --b\n--bb\n--b-x\n--b--x")
    #expect(message.string(message.root.children[1].bodyRange) == "two")
    #expect(message.string(message.root.epilogue) == "")
  }

  @Test("A boundary that extends the outer boundary does not end the outer part")
  func prefixBoundaries() throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: multipart/mixed; boundary="=_b"

      --=_b
      Content-Type: multipart/alternative; boundary="=_b_1"

      --=_b_1

      plain
      --=_b_1--
      --=_b--
      """)
    let inner = try #require(message.root.children.first)
    #expect(inner.children.count == 1)
    #expect(message.string(inner.children.first?.bodyRange) == "plain")
  }

  @Test("Empty parts and adjacent delimiters")
  func emptyParts() throws {
    let message = try MIMEMessage.parse("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n--b\r\n\r\n\r\n--b--")
    #expect(message.root.children.count == 2)
    #expect(message.root.children[0].range.isEmpty)
    #expect(message.root.children[1].range.count == 2)
    #expect(message.root.children[1].bodyRange.isEmpty)
  }

  @Test("A missing close delimiter ends the last part at the end of the enclosing body", arguments: LineEnding.allCases)
  func unterminated(ending: LineEnding) throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: multipart/mixed; boundary=outer

      --outer
      Content-Type: multipart/alternative; boundary=inner

      --inner

      inner text
      --outer
      Content-Type: text/plain

      last part
      """, ending)
    #expect(message.root.children.count == 2)
    let alternative = message.root.children[0]
    #expect(alternative.epilogue == nil)
    #expect(message.string(alternative.children.first?.bodyRange) == "inner text")
    #expect(message.string(message.root.children[1].bodyRange) == "last part")
    #expect(message.root.epilogue == nil)
  }

  @Test("A multipart without boundary or delimiters is one opaque part")
  func opaqueMultiparts() throws {
    for header in ["multipart/mixed", "multipart/mixed; boundary=\"\"", "multipart/mixed; boundary=zzz"] {
      let message = try MIMEMessage.parse("Content-Type: \(header)\n\n--b\nbody\n--b--\n")
      #expect(message.root.isMultipart)
      #expect(message.root.children.isEmpty)
      #expect(message.root.preamble == nil)
      #expect(message.root.epilogue == nil)
      #expect(message.string(message.root.bodyRange) == "--b\nbody\n--b--\n")
    }
  }

  @Test("Embedded messages become one child; digest parts default to message/rfc822")
  func embeddedMessages() throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: multipart/mixed; boundary=b

      --b
      Content-Type: message/rfc822

      Subject: =?utf-8?q?inner_=E2=9C=93?=
      Content-Type: text/plain; charset=iso-8859-1
      Content-Transfer-Encoding: quoted-printable

      gr=FC=DF
      --b
      Content-Type: multipart/digest; boundary=d

      --d

      Subject: digest entry

      entry body
      --d--
      --b
      Content-Type: message/rfc822
      Content-Transfer-Encoding: base64

      U3ViamVjdDogeA0KDQp4
      --b--
      """)
    let forwarded = message.root.children[0]
    #expect(forwarded.contentType.mimeType == "message/rfc822")
    let inner = try #require(forwarded.children.first)
    #expect(inner.path == "/1/1")
    #expect(inner.range == forwarded.bodyRange)
    #expect(inner.headers["subject"] == "inner ✓")
    #expect(message.text(of: inner) == "grüß")

    let digest = message.root.children[1]
    let entry = try #require(digest.children.first)
    #expect(entry.contentType.mimeType == "message/rfc822")
    #expect(entry.children.first?.headers["subject"] == "digest entry")
    #expect(entry.children.first?.path == "/2/1/1")

    #expect(message.root.children[2].children.isEmpty)  // base64: not in message.bytes as a message
  }

  @Test("Parts of multipart/alternative inside multipart/mixed get paths in order")
  func paths() throws {
    let message = try MIMEMessage.parse(
      """
      Content-Type: multipart/mixed; boundary=a

      --a
      Content-Type: multipart/alternative; boundary=b

      --b

      one
      --b

      two
      --b--
      --a

      three
      --a--
      """)
    #expect(message.allParts.map(\.path) == ["/", "/1", "/1/1", "/1/2", "/2"])
    #expect(message.allParts.map { message.text(of: $0) }.suffix(3) == ["one", "two", "three"])
  }

  @Test("Delimiters are found at every alignment and near the end of the input")
  func delimiterAlignment() throws {
    for padding in 0..<40 {
      let filler = String(repeating: "x", count: padding)
      let message = try MIMEMessage.parse("Content-Type: multipart/mixed; boundary=q\n\n\(filler)\n--q\n\n\(filler)a\n--q\n\nb\n--q--")
      #expect(message.root.children.count == 2, "padding \(padding)")
      #expect(message.string(message.root.children.first?.bodyRange) == filler + "a")
      #expect(message.string(message.root.children.last?.bodyRange) == "b")
      #expect(message.string(message.root.epilogue) == "")
    }
  }
}
