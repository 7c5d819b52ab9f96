import MIME
import Testing

@Suite("Limits")
struct LimitsTests {
  @Test("Defaults")
  func defaults() {
    #expect(MIMELimits.default == MIMELimits(maxMessageBytes: 52_428_800, maxHeaderBytes: 262_144, maxParts: 1000, maxDepth: 32))
  }

  @Test("Input over maxMessageBytes")
  func tooLarge() throws {
    let bytes = Array("Subject: x\n\n12345".utf8)
    let limits = MIMELimits(maxMessageBytes: bytes.count - 1)
    #expect(throws: MIMEError.tooLarge(bytes: bytes.count, limit: bytes.count - 1)) {
      try MIMEMessage.parse(bytes, limits: limits)
    }
    #expect(try MIMEMessage.parse(bytes, limits: MIMELimits(maxMessageBytes: bytes.count)).headers["subject"] == "x")
  }

  @Test("A header block over maxHeaderBytes, at the root or in a part")
  func headerTooLarge() throws {
    let big = "X-Filler: " + String(repeating: "a", count: 300 * 1024) + "\n"
    #expect(throws: MIMEError.headerTooLarge(limit: 262_144)) {
      try MIMEMessage.parse("Subject: x\n\(big)\nbody")
    }
    #expect(throws: MIMEError.headerTooLarge(limit: 262_144)) {
      try MIMEMessage.parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\(big)\nbody\n--b--\n")
    }
    // No empty line: the whole message is its header block.
    #expect(throws: MIMEError.headerTooLarge(limit: 100)) {
      try MIMEMessage.parse("Subject: " + String(repeating: "a", count: 200), limits: MIMELimits(maxHeaderBytes: 100))
    }
    // Exactly at the limit is accepted.
    let header = "Subject: 12345\n"
    let atLimit = MIMELimits(maxHeaderBytes: header.utf8.count)
    #expect(try MIMEMessage.parse(header + "\nbody", limits: atLimit).headers["subject"] == "12345")
    #expect(try MIMEMessage.parse(header, limits: atLimit).headers["subject"] == "12345")
  }

  static func multipart(parts: Int) -> String {
    var text = "Content-Type: multipart/mixed; boundary=b\n\n"
    for index in 0..<parts { text += "--b\n\npart \(index)\n" }
    return text + "--b--\n"
  }

  @Test("More parts than maxParts")
  func tooManyParts() throws {
    #expect(throws: MIMEError.tooManyParts(limit: 1000)) {
      try MIMEMessage.parse(Self.multipart(parts: 1000))  // 1000 children plus the root
    }
    #expect(try MIMEMessage.parse(Self.multipart(parts: 999)).allParts.count == 1000)
    #expect(throws: MIMEError.tooManyParts(limit: 3)) {
      try MIMEMessage.parse(Self.multipart(parts: 3), limits: MIMELimits(maxParts: 3))
    }
    // A flood of delimiters is stopped while scanning.
    let flood = "Content-Type: multipart/mixed; boundary=b\n\n" + String(repeating: "--b\n", count: 200_000)
    #expect(throws: MIMEError.tooManyParts(limit: 1000)) { try MIMEMessage.parse(flood) }
  }

  static func nested(depth: Int) -> String {
    var text = ""
    for level in 0..<depth { text += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
    text += "\nleaf\n"
    for level in (0..<depth).reversed() { text += "--b\(level)--\n" }
    return text
  }

  @Test("Nesting deeper than maxDepth")
  func tooDeep() throws {
    // `depth` nested multiparts put the leaf at depth `depth`.
    #expect(try MIMEMessage.parse(Self.nested(depth: 32)).allParts.count == 33)
    #expect(throws: MIMEError.tooDeep(limit: 32)) { try MIMEMessage.parse(Self.nested(depth: 33)) }
    #expect(throws: MIMEError.tooDeep(limit: 2)) {
      try MIMEMessage.parse(Self.nested(depth: 3), limits: MIMELimits(maxDepth: 2))
    }
    // Thousands of levels are refused without exhausting the stack.
    #expect(throws: MIMEError.tooDeep(limit: 32)) { try MIMEMessage.parse(Self.nested(depth: 5000)) }
  }

  @Test("Embedded messages count toward depth")
  func embeddedDepth() throws {
    let text = String(repeating: "Content-Type: message/rfc822\n\n", count: 40) + "Subject: deepest\n\nbody"
    #expect(throws: MIMEError.tooDeep(limit: 32)) { try MIMEMessage.parse(text) }
    let shallow = String(repeating: "Content-Type: message/rfc822\n\n", count: 5) + "Subject: deepest\n\nbody"
    let message = try MIMEMessage.parse(shallow)
    #expect(message.part(at: "/1/1/1/1/1")?.headers["subject"] == "deepest")
  }

  @Test("Very large limits do not overflow")
  func hugeLimits() throws {
    let limits = MIMELimits(maxMessageBytes: .max, maxHeaderBytes: .max, maxParts: .max, maxDepth: .max)
    #expect(try MIMEMessage.parse(Self.nested(depth: 3), limits: limits).allParts.count == 4)
    let zero = MIMELimits(maxMessageBytes: 0, maxHeaderBytes: -1, maxParts: 0, maxDepth: -1)
    #expect(throws: MIMEError.self) { try MIMEMessage.parse("Subject: x\n\n", limits: zero) }
  }

  @Test(
    "Error descriptions name the limit and never the content",
    arguments: [
      (MIMEError.tooLarge(bytes: 60_000_000, limit: 52_428_800), "maxMessageBytes"),
      (.headerTooLarge(limit: 262_144), "maxHeaderBytes"),
      (.tooManyParts(limit: 1000), "maxParts"),
      (.tooDeep(limit: 32), "maxDepth"),
      (.notAMessage("the input is empty"), "RFC 5322"),
    ])
  func descriptions(error: MIMEError, mentions: String) {
    #expect(error.description.contains(mentions))
    #expect(error.description.hasSuffix("."))
  }

  @Test("Thrown errors do not quote the message")
  func noContentInErrors() {
    let secret = "Subject: SECRET-EXPLOIT-DETAILS " + String(repeating: "x", count: 400)
    do {
      _ = try MIMEMessage.parse(secret, limits: MIMELimits(maxHeaderBytes: 64))
      Issue.record("expected headerTooLarge")
    } catch {
      #expect(!error.description.contains("SECRET"))
    }
  }
}
