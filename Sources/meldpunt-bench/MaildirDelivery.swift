import Foundation
import MeldpuntTesting

#if canImport(Glibc)
  import Glibc
#endif

/// Delivers mail into the test Dovecot's INBOX the way a local delivery agent does:
/// written to `tmp/`, owned by the mail user, renamed into `new/` (Maildir, see
/// https://cr.yp.to/proto/maildir.html), with the `S=` and `W=` sizes in the name so
/// Dovecot need not read the file to answer RFC822.SIZE.
///
/// One `curl` APPEND per mail costs tens of milliseconds; this costs a file write, and
/// the gateway sees exactly the same IMAP mailbox.
struct MaildirDelivery: Sendable {
  let dovecot: DovecotServer
  private let folder: String
  private let owner: uid_t
  private let group: gid_t

  /// Logs in once so Dovecot creates the user's Maildir, then learns its owner.
  init(dovecot: DovecotServer) throws {
    self.dovecot = dovecot
    folder = dovecot.maildirPath(for: "INBOX")
    try dovecot.imapCommand("STATUS INBOX (MESSAGES)")
    var info = stat()
    guard stat("\(folder)/new", &info) == 0 else {
      throw BenchError("Dovecot did not create \(folder)/new after a login; see \(dovecot.logFile)")
    }
    owner = info.st_uid
    group = info.st_gid
  }

  /// Puts one mail into `new/`. Returns when the file is in place: a sync of the
  /// mailbox (any IMAP command that selects it) will see it.
  func deliver(_ bytes: [UInt8], index: Int) throws {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let name = "\(now.tv_sec).M\(now.tv_nsec / 1000)P\(getpid())Q\(index).bench,S=\(bytes.count),W=\(bytes.count)"
    let temporary = "\(folder)/tmp/\(name)"
    try FileIO.write(bytes, to: temporary, mode: 0o600)
    guard chown(temporary, owner, group) == 0 else {
      throw BenchError("chown of \(temporary) failed: \(String(cString: strerror(errno))); run the benchmark as root")
    }
    guard rename(temporary, "\(folder)/new/\(name)") == 0 else {
      throw BenchError("rename into \(folder)/new failed: \(String(cString: strerror(errno)))")
    }
  }

  /// Messages in `mailbox` as Dovecot reports them (IMAP STATUS), which also makes it
  /// index everything delivered so far, so that work is not charged to the gateway.
  func messageCount(_ mailbox: String = "INBOX") throws -> Int {
    let response = try dovecot.imapCommand("STATUS \(mailbox) (MESSAGES)")
    guard let range = response.range(of: "MESSAGES "),
      let count = Int(response[range.upperBound...].prefix { $0.isNumber })
    else { throw BenchError("unexpected STATUS answer from Dovecot: \(response.prefix(200))") }
    return count
  }

  /// Files in a folder's `cur/` and `new/`: how many mails the gateway has moved there.
  func filesOnDisk(_ mailbox: String) -> Int {
    let path = dovecot.maildirPath(for: mailbox)
    return FileIO.count("\(path)/cur") + FileIO.count("\(path)/new")
  }
}
