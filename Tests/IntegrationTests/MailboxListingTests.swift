import Foundation
import Logging
import MeldpuntTesting
import Testing
import Transport

/// Listing a large inbox: bounded commands and answers, a backlog taken in passes.
@Suite("Mailbox listing", .serialized)
struct MailboxListingTests {
  @Test("Hundreds of mails are listed in bounded chunks; a pass takes at most its limit, oldest first")
  func largeInbox() async throws {
    let dovecot = try DovecotServer.start()
    defer { dovecot.stop() }
    let count = 320
    for n in 1...count {
      try dovecot.append(Array("From: r\(n)@x.example\r\nSubject: \(n)\r\nMessage-ID: <\(n)@x.example>\r\n\r\nbody \(n)\r\n".utf8))
    }
    let mailbox = IMAPMailbox(endpoint: ServerEndpoint(url: dovecot.url(mailbox: "INBOX", tls: true), user: dovecot.user,
                                                      password: dovecot.password, caFile: dovecot.caFile),
                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    let all = try await mailbox.list()
    #expect(all.count == count)
    #expect(all.map(\.uid) == all.map(\.uid).sorted())
    #expect(all.allSatisfy { $0.size > 0 })
    let first = try await mailbox.list(limit: 100)
    #expect(first.map(\.uid) == Array(all.prefix(100)).map(\.uid))
    let empty = try DovecotServer.start()
    defer { empty.stop() }
    let none = IMAPMailbox(endpoint: ServerEndpoint(url: empty.url(mailbox: "INBOX", tls: true), user: empty.user,
                                                   password: empty.password, caFile: empty.caFile),
                           logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    #expect(try await none.list().isEmpty)
  }
}
