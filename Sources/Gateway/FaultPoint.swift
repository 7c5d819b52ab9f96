import Foundation

/// Places in the pipeline where the crash-safety tests kill the process.
///
/// Off unless the environment names a point in `MELDPUNT_TEST_CRASH_AT`; only the
/// test suite sets it. When hit, the process dies with SIGKILL, as in a power cut:
/// no cleanup, no flush.
public enum FaultPoint: String, Sendable, CaseIterable {
  /// After the raw bytes came from IMAP, before they are stored.
  case afterFetch
  /// After the raw mail is committed.
  case afterStore
  /// After decryption and verification, before the case.
  case afterDecrypt
  /// After the case is committed.
  case afterCase
  /// After the signed acknowledgement is committed to the outbox.
  case afterQueue
  /// After the SMTP server accepted the mail, before that is recorded: the one window left open.
  case afterSend
  /// After the sending is recorded, before the IMAP move.
  case afterRecord
  /// After the IMAP move, before it is recorded.
  case afterMove

  static let armed: FaultPoint? = ProcessInfo.processInfo.environment["MELDPUNT_TEST_CRASH_AT"].flatMap(FaultPoint.init(rawValue:))

  static func hit(_ point: FaultPoint) {
    if armed == point { kill(getpid(), SIGKILL) }
  }
}
