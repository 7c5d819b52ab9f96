import MIME
import Testing

/// Hostile and broken input: every call must return or throw a ``MIMEError``, never trap.
@Suite("Robustness")
struct RobustnessTests {
  @Test("Empty input is not a message")
  func emptyInput() {
    #expect(throws: MIMEError.notAMessage("the input is empty")) { try MIMEMessage.parse([]) }
  }

  @Test("Input with no readable header field is not a message")
  func noFields() {
    #expect(throws: MIMEError.notAMessage("no header field could be read")) {
      try MIMEMessage.parse("just some text\nwithout any header\n\nbody")
    }
  }

  @Test("A MIME entity without headers (starting with an empty line) is accepted")
  func headerlessEntity() throws {
    let message = try MIMEMessage.parse("\r\nplain body")
    #expect(message.root.headerRange == 0..<0)
    #expect(message.root.contentType == .defaultPlain)
    #expect(message.text(of: message.root) == "plain body")
  }

  @Test(
    "Small malformed inputs",
    arguments: [
      "\n", "\r", "\r\n", "\r\n\r\n", ":", "::\n\n", " \n", "A:\r", "A: b\r\r\r", "=?", "From ", "From",
      "Content-Type: multipart/mixed; boundary=b\n\n--b",
      "Content-Type: multipart/mixed; boundary=b\n\n--b--",
      "Content-Type: multipart/mixed; boundary=b\n\n--b\r",
      "Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n--b--\n--b\n",
      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=b\n\n--b\n",
      "Content-Type: multipart/mixed; boundary=\"\n\n",
      "Content-Type: multipart/mixed; boundary*0*=''; boundary*1*=%\n\n",
      "Content-Type: message/rfc822\n\n",
      "Content-Type: message/rfc822\n\n\n",
      "Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n",
      "Content-Type: text/plain; charset=\n\n\u{FF}",
      "Content-Transfer-Encoding: base64\n\n====",
      "Content-Transfer-Encoding: quoted-printable\n\n=\n=\r\n=",
      "Subject: =?utf-8?b?=?= =?utf-8?q?=?= =?x?q??=\n\n",
      "Content-Disposition: ;;;;=;=\"\\\n\n",
    ])
  func malformed(text: String) {
    if let message = try? MIMEMessage.parse(text) { message.touchEverything() }
  }

  @Test("Random bytes never trap")
  func randomBytes() {
    var generator = SplitMix64(state: 0x5EED)
    for round in 0..<400 {
      let count = Int.random(in: 0...(round < 300 ? 300 : 5000), using: &generator)
      let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
      if let message = try? MIMEMessage.parse(bytes) { message.touchEverything() }
    }
  }

  /// Random concatenations of MIME syntax reach the multipart, header and decoding paths that
  /// uniform random bytes almost never do.
  @Test("Random MIME-shaped input never traps")
  func randomStructure() {
    let pieces = [
      "Content-Type: multipart/mixed; boundary=b\r\n", "Content-Type: multipart/signed; boundary=\"c\"\n",
      "Content-Type: message/rfc822\n", "Content-Type: multipart/digest; boundary=b\n",
      "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
      "Content-Disposition: attachment; filename*0*=utf-8''%E2; filename*1*=%82%AC\n",
      "Subject: =?utf-8?q?a=C3?= =?utf-8?b?qQ==?=\n", " folded\n", "\n", "\r\n", "--b\n", "--b--\n", "--c\r\n",
      "--c--", "--b", "=C2=A0", "=\n", "SGVsbG8=", "text ", "\u{FF}\u{FE}", "From x\n", ":", "\r",
    ]
    var generator = SplitMix64(state: 42)
    for _ in 0..<1500 {
      var text = ""
      for _ in 0..<Int.random(in: 1...40, using: &generator) {
        text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
      }
      let limits = MIMELimits(maxMessageBytes: 1 << 20, maxHeaderBytes: 512, maxParts: 50, maxDepth: 6)
      if let message = try? MIMEMessage.parse(text, limits: limits) { message.touchEverything() }
    }
  }

  @Test("Truncated and corrupted corpus messages never trap")
  func corruptedCorpus() throws {
    var generator = SplitMix64(state: 7)
    for path in Interop.messages {
      let original = try Interop.bytes(path)
      for _ in 0..<8 {
        var bytes = original
        if bytes.isEmpty { break }
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
        case 1:
          for _ in 0..<20 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = .random(in: 0...255, using: &generator) }
        default: bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &generator)..<bytes.count / 2 + bytes.count / 2)
        }
        if let message = try? MIMEMessage.parse(bytes) { message.touchEverything() }
      }
    }
  }

  @Test("A part from another message can be passed to the accessors")
  func foreignPart() throws {
    let large = try MIMEMessage.parse("Subject: x\n\n" + String(repeating: "y", count: 1000))
    let small = try MIMEMessage.parse("Subject: x\n\nz")
    #expect(small.rawBytes(of: large.root).count == small.bytes.count)
    _ = small.canonicalBytes(of: large.root)
    _ = small.decodedBody(of: large.root)
    _ = small.text(of: large.root)
  }

  @Test("A large message parses in one pass")
  func largeMessage() throws {
    let line = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", count: 2) + "\r\n"
    let attachment = String(repeating: line, count: 60_000)  // about 4.4 MB
    let text = """
      From: a@example.org\r
      Content-Type: multipart/mixed; boundary="big"\r
      \r
      --big\r
      Content-Type: text/plain\r
      \r
      see attachment\r
      --big\r
      Content-Type: application/octet-stream\r
      Content-Transfer-Encoding: base64\r
      \r
      \(attachment)--big--\r

      """
    let message = try MIMEMessage.parse(Array(text.utf8))
    #expect(message.root.children.count == 2)
    let decoded = message.decodedBody(of: message.root.children[1])
    #expect(decoded.count == 60_000 * 52)
    #expect(message.canonicalBytes(of: message.root).count == message.bytes.count)
  }
}
