import MIME
import Testing

@Suite("Header fields")
struct HeaderTests {
  @Test("Folded fields keep their raw bytes and unfold to one line", arguments: LineEnding.allCases)
  func folding(ending: LineEnding) throws {
    let message = try MIMEMessage.parse(
      """
      Subject: a report
      \tabout folding
        and more
      From: alice@example.org

      body
      """, ending)
    let subject = try #require(message.headers.all("subject").first)
    #expect(subject.name == "Subject")
    #expect(subject.rawValue == ending.bytes(" a report\n\tabout folding\n  and more"))
    #expect(subject.unfoldedValue == "a report\tabout folding  and more")
    #expect(message.headers["SUBJECT"] == "a report\tabout folding  and more")
    #expect(message.headers["from"] == "alice@example.org")
  }

  @Test("Repeated fields are all kept, and lookup returns the first")
  func repeatedFields() throws {
    let message = try MIMEMessage.parse("Received: one\nreceived: two\nRECEIVED: three\n\n")
    #expect(message.headers.all("Received").map(\.unfoldedValue) == ["one", "two", "three"])
    #expect(message.headers["received"] == "one")
    #expect(message.headers.contains("rEcEiVeD"))
    #expect(!message.headers.contains("Subject"))
    #expect(message.headers["Subject"] == nil)
  }

  @Test("Lines that are not fields are skipped and end the field before them")
  func garbageLines() throws {
    let message = try MIMEMessage.parse(
      """
       orphan continuation
      To: bob@example.org
      this line has no colon
       continuation after garbage
      : empty name
      Bad Name: spaces in name
      Subject : space before colon
      X-Empty:

      body
      """)
    #expect(message.headers.fields.map(\.name) == ["To", "Subject", "X-Empty"])
    #expect(message.headers["to"] == "bob@example.org")
    #expect(message.headers["subject"] == "space before colon")
    #expect(message.headers["x-empty"] == "")
    #expect(message.text(of: message.root) == "body")
  }

  @Test("A message without an empty line is all headers")
  func onlyHeaders() throws {
    let bytes = Array("From: a@example.org\r\nSubject: hi".utf8)
    let message = try MIMEMessage.parse(bytes)
    #expect(message.root.headerRange == 0..<bytes.count)
    #expect(message.root.bodyRange == bytes.count..<bytes.count)
    #expect(message.headers["subject"] == "hi")
    #expect(message.decodedBody(of: message.root).isEmpty)
  }

  @Test("Mixed line endings end the header at the first empty line")
  func mixedLineEndings() throws {
    let bytes = Array("A: 1\r\nB: 2\n\r\nbody\r\n".utf8)
    let message = try MIMEMessage.parse(bytes)
    #expect(message.root.headerRange == 0..<11)
    #expect(message.root.bodyRange == 13..<bytes.count)
    #expect(message.headers["b"] == "2")
  }

  @Test("Invalid UTF-8 in a value is replaced, not fatal")
  func invalidUTF8() throws {
    let message = try MIMEMessage.parse(Array("Subject: caf".utf8) + [0xE9, 0xFF] + Array("\n\n".utf8))
    #expect(message.headers["subject"] == "caf\u{FFFD}\u{FFFD}")
  }

  @Test(
    "RFC 2047 encoded words decode",
    arguments: [
      ("=?UTF-8?B?SGVsbG8gV8O2cmxk?=", "Hello Wörld"),
      ("=?utf-8?b?SGVsbG8gV8O2cmxk?=", "Hello Wörld"),
      ("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>", "André Pirard <PIRARD@vm1.ulg.ac.be>"),
      ("=?iso-8859-1?q?this=20is=20some=20text?=", "this is some text"),
      ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=", "Grüße aus Köln"),
      ("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=", "If you can read this yo"),
      // RFC 2047 §8: white space between adjacent encoded words is dropped, other text kept.
      ("(=?ISO-8859-1?Q?a?=)", "(a)"),
      ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
      ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
      ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
      ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
      ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
      ("=?ISO-8859-1?Q?a?= x =?ISO-8859-1?Q?b?=", "a x b"),
      // A character split across two words in the same charset is joined before conversion.
      ("=?UTF-8?Q?=E2=82?= =?UTF-8?Q?=AC?=", "€"),
      ("=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?=", "€"),
      // RFC 2231 §5 language suffix.
      ("=?UTF-8*en?Q?hi?=", "hi"),
      ("=?windows-1252?Q?=80_100?=", "€ 100"),
      ("=?iso-8859-15?q?=A4?=", "€"),
      // Malformed words stay as written.
      ("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="),
      ("=?UTF-8?Q?abc", "=?UTF-8?Q?abc"),
      ("=?UTF-8?Q?a b?=", "=?UTF-8?Q?a b?="),
      ("=??Q?abc?=", "=??Q?abc?="),
      ("=?", "=?"),
      ("a = b ?= c", "a = b ?= c"),
      ("plain text", "plain text"),
    ])
  func encodedWords(raw: String, decoded: String) throws {
    let message = try MIMEMessage.parse("Subject: \(raw)\n\n")
    #expect(message.headers["subject"] == decoded)
    #expect(message.headers.all("subject").first?.unfoldedValue == raw)
  }

  @Test("Encoded words split across folded lines are joined", arguments: LineEnding.allCases)
  func foldedEncodedWords(ending: LineEnding) throws {
    let message = try MIMEMessage.parse(
      """
      Subject: =?utf-8?q?Security_report:?=
       =?utf-8?q?_S=C3=A9curit=C3=A9?=
      From: =?iso-8859-1?q?J=F6rg?= <joerg@example.org>

      """, ending)
    #expect(message.headers["Subject"] == "Security report: Sécurité")
    #expect(message.headers["From"] == "Jörg <joerg@example.org>")
  }

  @Test("Headers built by hand answer lookups")
  func handBuiltHeaders() {
    let headers = Headers(fields: [
      HeaderField(name: "X-Test", rawValue: Array(" =?utf-8?q?ok?=".utf8)),
      HeaderField(name: "x-test", rawValue: Array(" second".utf8)),
    ])
    #expect(headers["x-TEST"] == "ok")
    #expect(headers.all("X-Test").count == 2)
  }
}
