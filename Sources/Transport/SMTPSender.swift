import CCurl
import Foundation
import Logging

/// Sends finished messages over SMTP with libcurl (plain, STARTTLS or implicit TLS, AUTH).
///
/// The message bytes are sent exactly as given: signing happened before, and the
/// outbox stores these same bytes so a retry sends an identical mail.
/// See RFC 5321 and https://curl.se/libcurl/c/smtp-mail.html
public final class SMTPSender: Sendable {
  public let endpoint: ServerEndpoint
  private let queue = BlockingQueue(label: "meldpunt.smtp")
  private let state = CurlHandleBox()
  private let logger: Logger

  public init(endpoint: ServerEndpoint, logger: Logger) {
    self.endpoint = endpoint
    self.logger = logger
  }

  /// Hands one message to the server for `recipients`. Throws `.smtpRejected` with
  /// `temporary` set for 4xx replies, so the outbox knows whether to retry.
  public func send(_ message: [UInt8], from sender: String, to recipients: [String]) async throws(TransportError) {
    let endpoint = self.endpoint
    let state = self.state
    guard Self.isSafeAddress(sender), !recipients.isEmpty, recipients.allSatisfy(Self.isSafeAddress) else {
      throw .commandFailed(server: endpoint.server, command: "MAIL FROM/RCPT TO",
                           detail: "an envelope address contains characters that cannot be sent")
    }
    try await queue.run { () throws(TransportError) in
      let curl = try state.handle(configuredFor: endpoint)
      try curl.set(CURLOPT_URL, endpoint.server)
      try curl.set(CURLOPT_MAIL_FROM, "<\(sender)>")
      try curl.set(CURLOPT_MAIL_RCPT, list: recipients.map { "<\($0)>" })
      try curl.set(CURLOPT_UPLOAD, 1)
      try curl.set(CURLOPT_INFILESIZE_LARGE, message.count)
      let code = curl.perform(write: nil, read: UploadSource(message))
      try curl.set(CURLOPT_UPLOAD, 0)
      if code == CURLE_OK { return }
      let reply = curl.responseCode
      if reply >= 400 && reply < 600 {
        let detail = curl.describe(code)
        if code == CURLE_LOGIN_DENIED { throw .loginRefused(server: endpoint.server, detail: detail) }
        throw .smtpRejected(server: endpoint.server, code: reply, temporary: reply < 500, detail: detail)
      }
      state.reset()
      throw endpoint.error(code, curl, command: "SMTP delivery")
    }
  }

  /// Connects, says EHLO, starts TLS and logs in as configured, then NOOP: sends nothing.
  public func checkLogin() async throws(TransportError) {
    let endpoint = self.endpoint
    let state = self.state
    try await queue.run { () throws(TransportError) in
      let curl = try state.handle(configuredFor: endpoint)
      try curl.set(CURLOPT_URL, endpoint.server)
      try curl.set(CURLOPT_UPLOAD, 0)
      try curl.set(CURLOPT_CUSTOMREQUEST, "NOOP")
      try curl.set(CURLOPT_NOBODY, 1)
      let code = curl.perform(write: nil, read: nil)
      try curl.set(CURLOPT_CUSTOMREQUEST, nil)
      try curl.set(CURLOPT_NOBODY, 0)
      guard code == CURLE_OK else { throw endpoint.error(code, curl, command: "NOOP") }
    }
  }

  /// An address that can go into `MAIL FROM:<…>` without changing the command.
  static func isSafeAddress(_ address: String) -> Bool {
    guard !address.isEmpty, address.utf8.count <= 254 else { return false }
    return address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && $0 != "<" && $0 != ">" }
      && address.contains("@")
  }
}
