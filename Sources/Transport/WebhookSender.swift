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

  /// GETs `url` (https only; at most `limit` bytes); nil for 404 and other misses.
  /// Used for Web Key Directory lookups of reporter keys.
  public func get(_ url: String, limit: Int) async throws(TransportError) -> [UInt8]? {
    let endpoint = ServerEndpoint(url: url, caFile: caFile, connectTimeoutSeconds: 10)
    guard endpoint.scheme == "https" else {
      throw .commandFailed(server: endpoint.server, command: "GET", detail: "only https:// is fetched")
    }
    let state = self.state
    // Tests point a real host name at a local server: "HOST:PORT:127.0.0.1:PORT2".
    let connectTo = ProcessInfo.processInfo.environment["MELDPUNT_TEST_CONNECT_TO"]
    return try await queue.run { () throws(TransportError) -> [UInt8]? in
      let curl = try state.handle(configuredFor: endpoint)
      try curl.set(CURLOPT_PROTOCOLS_STR, "https")
      try curl.set(CURLOPT_URL, url)
      try curl.set(CURLOPT_HTTPGET, 1)
      try curl.set(CURLOPT_TIMEOUT, 30)
      if let connectTo { try curl.set(CURLOPT_CONNECT_TO, list: [connectTo]) }
      let sink = ResponseSink(limit: limit)
      let code = curl.perform(write: sink, read: nil)
      guard code == CURLE_OK else {
        state.reset()
        if sink.exceeded { return nil }
        throw endpoint.error(code, curl, command: "GET")
      }
      return curl.responseCode == 200 ? sink.bytes : nil
    }
  }

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
