import Testing
@testable import Transport

@Suite struct IMAPResponseTests {
  @Test func parsesSearch() {
    #expect(IMAPMailbox.parseSearch("* SEARCH 3 1 20\r\n") == [1, 3, 20])
    #expect(IMAPMailbox.parseSearch("* 4 EXISTS\r\n* SEARCH\r\n").isEmpty)
  }

  @Test func parsesSizes() {
    let response = "* 1 FETCH (UID 7 RFC822.SIZE 1200)\r\n* 2 FETCH (RFC822.SIZE 99 UID 9)\r\n"
    #expect(IMAPMailbox.parseSizes(response) == [7: 1200, 9: 99])
  }

  @Test func parsesStatus() {
    #expect(IMAPMailbox.parseMessageCount("* ESEARCH (TAG \"A5\") COUNT 1234\r\n") == 1234)
    #expect(IMAPMailbox.parseMessageCount("* ESEARCH (TAG \"A5\") COUNT 0\r\n") == 0)
    #expect(IMAPMailbox.parseMessageCount("* ESEARCH (TAG \"A5\")\r\n") == 0)
    #expect(IMAPMailbox.parseMessageCount("garbage") == 0)
  }

  @Test func quotesFolderNames() {
    #expect(IMAPMailbox.quoted("Processed") == "\"Processed\"")
    #expect(IMAPMailbox.quoted("a\"b\\c") == "\"a\\\"b\\\\c\"")
    #expect(IMAPMailbox.quoted("x\r\nA001 DELETE INBOX") == "\"xA001 DELETE INBOX\"")
  }
}

@Suite struct EndpointTests {
  @Test func serverNeverShowsThePassword() {
    let endpoint = ServerEndpoint(url: "imaps://mail.example.org:993/INBOX", user: "u", password: "hunter2")
    #expect(endpoint.server == "imaps://mail.example.org:993")
    #expect(!endpoint.description.contains("hunter2"))
    #expect(endpoint.mailbox == "INBOX")
    #expect(endpoint.isImplicitTLS)
    #expect(!ServerEndpoint(url: "smtp://10.0.0.1:587").isLoopback)
    #expect(ServerEndpoint(url: "smtp://127.0.0.1:2525").isLoopback)
  }

  @Test func envelopeAddressesCannotCarryCommands() {
    #expect(SMTPSender.isSafeAddress("a@example.org"))
    #expect(!SMTPSender.isSafeAddress("a@example.org>\r\nRCPT TO:<b@x"))
    #expect(!SMTPSender.isSafeAddress("a b@example.org"))
    #expect(!SMTPSender.isSafeAddress(""))
  }
}

@Suite struct UIDSetTests {
  @Test func runsBecomeRangesInOrderWithoutRepeats() {
    #expect(IMAPMailbox.uidSet([7]) == "7")
    #expect(IMAPMailbox.uidSet([3, 4, 5, 6, 7]) == "3:7")
    #expect(IMAPMailbox.uidSet([13, 3, 9, 4, 12, 5, 9]) == "3:5,9,12:13")
    #expect(IMAPMailbox.uidSet([UInt32.max, UInt32.max - 1, 1]) == "1,\(UInt32.max - 1):\(UInt32.max)")
  }
}
