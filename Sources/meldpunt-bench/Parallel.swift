import Foundation

/// Runs blocking work (gpg processes) on a few threads at once and keeps the results in order.
enum Parallel {
  /// `transform(i)` for every index, `workers` at a time; worker w takes the indices
  /// w, w + workers, … so the split is deterministic. Rethrows the first error.
  static func map<T: Sendable>(
    _ indices: Range<Int>, workers: Int, _ transform: @escaping @Sendable (Int) throws -> T
  ) throws -> [T] {
    let results = Results<T>(count: indices.count)
    let lanes = max(1, min(workers, indices.count))
    DispatchQueue.concurrentPerform(iterations: lanes) { lane in
      var offset = lane
      while offset < indices.count, !results.failed {
        do {
          results.set(offset, try transform(indices.lowerBound + offset))
        } catch {
          results.fail(error)
        }
        offset += lanes
      }
    }
    return try results.collect()
  }

  /// The slots the workers fill.
  ///
  /// `@unchecked Sendable` is safe: `values` and `error` are only touched under `lock`.
  private final class Results<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T?]
    private var error: (any Error)?

    init(count: Int) { values = Array(repeating: nil, count: count) }

    var failed: Bool { lock.withLock { error != nil } }
    func set(_ index: Int, _ value: T) { lock.withLock { values[index] = value } }
    func fail(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }

    func collect() throws -> [T] {
      try lock.withLock {
        if let error { throw error }
        return values.map { $0! }
      }
    }
  }
}
