import Foundation

/// Places in the pipeline where the crash-safety tests kill the process.
///
/// Off unless the environment names a point in `MELDPUNT_TEST_CRASH_AT`; only the
/// test suite sets it. When hit, the process dies with SIGKILL, as in a power cut:
/// no cleanup, no flush.
public enum FaultPoint: String, Sendable, CaseIterable {
  case afterFetch, afterStore, afterDecrypt, afterCase, afterQueue, afterSend, afterMove

  static let armed: FaultPoint? = ProcessInfo.processInfo.environment["MELDPUNT_TEST_CRASH_AT"].flatMap(FaultPoint.init(rawValue:))

  static func hit(_ point: FaultPoint) {
    if armed == point { kill(getpid(), SIGKILL) }
  }
}
