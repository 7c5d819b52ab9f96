import Dispatch

/// Moves blocking C calls (`curl_easy_perform`) off Swift's cooperative thread pool.
///
/// Each connection owns one serial queue, so its curl handle is only ever used by
/// one thread at a time; callers simply `await`.
struct BlockingQueue: Sendable {
  private let queue: DispatchQueue

  init(label: String) { queue = DispatchQueue(label: label) }

  func run<T: Sendable>(_ body: @escaping @Sendable () throws(TransportError) -> T) async throws(TransportError) -> T {
    let result: Result<T, TransportError> = await withCheckedContinuation { continuation in
      queue.async {
        do throws(TransportError) { continuation.resume(returning: .success(try body())) }
        catch { continuation.resume(returning: .failure(error)) }
      }
    }
    return try result.get()
  }
}
