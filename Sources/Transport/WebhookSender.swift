import CCurl
import Foundation
import Logging

/// POSTs JSON to a webhook receiver over libcurl (HTTPS with certificate checks,
/// or HTTP to loopback only).
public final class WebhookSender: Sendable {
  private let queue = BlockingQueue(label: "meldpunt.webhook")
  private let state = CurlHandleBox()
  private let caFile: String?

  public init(caFile: String?) { self.caFile = caFile }

  /// Sends `body` with `headers`. Throws `.smtpRejected`-like `.httpRejected` with
  /// `temporary` for 5xx, 408 and 429, so the outbox knows whether to retry.
  public func post(_ body: [UInt8], to url: String, headers: [String]) async throws(TransportError) {
    let endpoint = ServerEndpoint(url: url, caFile: caFile)
    guard ["https", "http"].contains(endpoint.scheme), endpoint.scheme == "https" || endpoint.isLoopback else {
      throw .commandFailed(server: endpoint.server, command: "POST", detail: "webhooks must use https:// (plain http only to a loopback address)")
    }
    let state = self.state
    let caFile = self.caFile
    try await queue.run { () throws(TransportError) in
      let curl = try state.handle(configuredFor: ServerEndpoint(url: url, caFile: caFile))
      try curl.set(CURLOPT_PROTOCOLS_STR, "http,https")
      try curl.set(CURLOPT_URL, url)
      try curl.set(CURLOPT_POST, 1)
      try curl.set(CURLOPT_POSTFIELDSIZE_LARGE, body.count)
      try curl.set(CURLOPT_HTTPHEADER, list: ["Content-Type: application/json", "Expect:"] + headers)
      try curl.set(CURLOPT_TIMEOUT, 60)
      let upload = UploadSource(body)
      let sink = ResponseSink(limit: 64 * 1024)
      let code = curl.perform(write: sink, read: upload)
      if code != CURLE_OK {
        state.reset()
        throw endpoint.error(code, curl, command: "POST")
      }
      let status = curl.responseCode
      guard (200..<300).contains(status) else {
        let temporary = status >= 500 || status == 408 || status == 429
        throw .httpRejected(server: endpoint.server, status: status, temporary: temporary)
      }
    }
  }
}
