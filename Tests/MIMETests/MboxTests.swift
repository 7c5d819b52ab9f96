import MIME
import Testing

@Suite("mbox framing")
struct MboxTests {
  @Test("A leading From line is removed and ranges refer to the rest", arguments: LineEnding.allCases)
  func fromLine(ending: LineEnding) throws {
    let message = try MIMEMessage.parse(
      """
      From alice@example.org Thu Jan  1 00:00:00 2024
      From: alice@example.org
      Subject: framed

      >From the body, quoted by mbox
      """, ending)
    #expect(message.bytes == ending.bytes("From: alice@example.org\nSubject: framed\n\n>From the body, quoted by mbox"))
    #expect(message.root.range == 0..<message.bytes.count)
    #expect(message.headers["from"] == "alice@example.org")
    #expect(message.text(of: message.root) == ">From the body, quoted by mbox")
  }

  @Test("Thunderbird's `From - date` line is removed too")
  func thunderbirdFromLine() throws {
    let message = try MIMEMessage.parse("From - Thu, 06 Apr 2023 05:20:15 GMT\nX-Mozilla-Status: 0800\n\nx")
    #expect(message.headers.fields.map(\.name) == ["X-Mozilla-Status"])
  }

  @Test("A `From :` header field is not mbox framing")
  func fromFieldWithSpace() throws {
    let message = try MIMEMessage.parse("From : alice@example.org\nSubject: x\n\n")
    #expect(message.headers["from"] == "alice@example.org")
    #expect(message.bytes == Array("From : alice@example.org\nSubject: x\n\n".utf8))
  }

  @Test("A lone From line is not a message")
  func onlyFromLine() {
    #expect(throws: MIMEError.notAMessage("the input is empty")) {
      try MIMEMessage.parse("From alice@example.org Thu Jan  1 00:00:00 2024")
    }
    #expect(throws: MIMEError.notAMessage("the input is empty")) {
      try MIMEMessage.parse("From alice@example.org Thu Jan  1 00:00:00 2024\n")
    }
  }
}
