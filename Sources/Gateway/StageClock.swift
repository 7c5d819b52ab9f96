import Foundation

/// Where the time of a pass goes, per pipeline stage, for `process --once --timings`
/// and `make bench`.
///
/// `@unchecked Sendable` is safe: the totals are only touched under `lock`.
public final class StageClock: @unchecked Sendable {
  public enum Stage: String, Sendable, CaseIterable {
    case fetch, store, decryptVerify, `case`, sign, send, move
  }

  private let lock = NSLock()
  private var totals: [Stage: (seconds: Double, count: Int)] = [:]

  public init() {}

  /// `count`: how many mails the step served (several mails share one move).
  func add(_ stage: Stage, since start: ContinuousClock.Instant, count: Int = 1) {
    let elapsed = start.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    lock.withLock {
      let old = totals[stage] ?? (0, 0)
      totals[stage] = (old.seconds + seconds, old.count + count)
    }
  }

  /// Milliseconds spent in each stage so far, and how often it ran.
  public var snapshot: [(stage: Stage, milliseconds: Double, count: Int)] {
    lock.withLock { Stage.allCases.map { ($0, (totals[$0]?.seconds ?? 0) * 1000, totals[$0]?.count ?? 0) } }
  }
}
