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

  @Test("Moves ask the server about the folder once, and recreate it when an admin deleted it meanwhile")
  func movesRememberTheFolder() async throws {
    let dovecot = try DovecotServer.start()
    defer { dovecot.stop() }
    for n in 1...3 {
      try dovecot.append(Array("From: r\(n)@x.example\r\nSubject: \(n)\r\nMessage-ID: <m\(n)@x.example>\r\n\r\nbody \(n)\r\n".utf8))
    }
    let mailbox = IMAPMailbox(endpoint: ServerEndpoint(url: dovecot.url(mailbox: "INBOX", tls: true), user: dovecot.user,
                                                      password: dovecot.password, caFile: dovecot.caFile),
                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    let uids = try await mailbox.list().map(\.uid)
    try #require(uids.count == 3)
    try await mailbox.move(uid: uids[0], to: "Processed")
    try await mailbox.move(uid: uids[1], to: "Processed")
    _ = try dovecot.imapCommand("DELETE Processed")
    try await mailbox.move(uid: uids[2], to: "Processed")
    #expect(try await mailbox.list().isEmpty)
    let status = try dovecot.imapCommand("STATUS Processed (MESSAGES)")
    #expect(status.contains("MESSAGES 1"), "\(status)")
  }

  @Test("A mail that arrives between two listings is in the second one, not one poll later")
  func newMailIsSeenByTheNextListing() async throws {
    let dovecot = try DovecotServer.start()
    defer { dovecot.stop() }
    let mailbox = IMAPMailbox(endpoint: ServerEndpoint(url: dovecot.url(mailbox: "INBOX", tls: true), user: dovecot.user,
                                                      password: dovecot.password, caFile: dovecot.caFile),
                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    #expect(try await mailbox.list().isEmpty)  // the session now has the mailbox selected
    for n in 1...2 {
      try dovecot.append(Array("From: r@x.example\r\nSubject: \(n)\r\nMessage-ID: <late\(n)@x.example>\r\n\r\nbody\r\n".utf8))
      #expect(try await mailbox.list().count == n)
    }
  }
}
