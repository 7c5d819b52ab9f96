import Foundation

/// Where and how to reach one mail server (IMAP or SMTP), as the admin configured it.
///
/// `url` is `imaps://host:993/INBOX`, `imap://host:143/INBOX` (STARTTLS),
/// `smtps://host:465` or `smtp://host:587` (STARTTLS). Plain-text connections are
/// only allowed to a loopback address; anywhere else STARTTLS is required, so a
/// password never crosses a network in the clear.
public struct ServerEndpoint: Sendable, CustomStringConvertible {
  public var url: String
  public var user: String?
  /// Kept out of `description` and every error message.
  public var password: String?
  /// A PEM file of CA certificates to trust instead of the system store (`tls.caFile`).
  public var caFile: String?
  public var connectTimeoutSeconds: Int

  public init(url: String, user: String? = nil, password: String? = nil, caFile: String? = nil,
              connectTimeoutSeconds: Int = 30) {
    self.url = url
    self.user = user
    self.password = password
    self.caFile = caFile
    self.connectTimeoutSeconds = connectTimeoutSeconds
  }

  /// `scheme://host:port`, safe to log.
  public var server: String {
    guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host
    else { return "the configured server" }
    if let port = components.port { return "\(scheme)://\(host):\(port)" }
    return "\(scheme)://\(host)"
  }

  public var description: String { server }

  var host: String { URLComponents(string: url)?.host ?? "" }
  var scheme: String { URLComponents(string: url)?.scheme?.lowercased() ?? "" }
  var isImplicitTLS: Bool { scheme.hasSuffix("s") }
  var isLoopback: Bool { ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) || host.hasPrefix("127.") }

  /// The path part of an IMAP URL: the mailbox to read (default INBOX).
  var mailbox: String {
    guard let path = URLComponents(string: url)?.path, path.count > 1 else { return "INBOX" }
    return String(path.dropFirst()).removingPercentEncoding ?? "INBOX"
  }

  /// Applies the connection options shared by IMAP and SMTP.
  func configure(_ curl: CurlEasy) throws(TransportError) {
    if let user { try curl.set(CURLOPT_USERNAME, user) }
    if let password { try curl.set(CURLOPT_PASSWORD, password) }
    if let caFile { try curl.set(CURLOPT_CAINFO, caFile) }
    try curl.set(CURLOPT_SSL_VERIFYPEER, 1)
    try curl.set(CURLOPT_SSL_VERIFYHOST, 2)
    if !isImplicitTLS {
      // STARTTLS is mandatory off-loopback; on loopback it is used when offered.
      try curl.set(CURLOPT_USE_SSL, Int(isLoopback ? CURLUSESSL_TRY.rawValue : CURLUSESSL_ALL.rawValue))
    }
    try curl.set(CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds)
    // A stalled server must not hang the gateway: give up below 1 byte/s for a minute.
    try curl.set(CURLOPT_LOW_SPEED_LIMIT, 1)
    try curl.set(CURLOPT_LOW_SPEED_TIME, 60)
    try curl.set(CURLOPT_NOSIGNAL, 1)
    try curl.set(CURLOPT_PROTOCOLS_STR, "imap,imaps,smtp,smtps")
  }

  /// Turns a failed transfer into an error an admin can act on.
  func error(_ code: CURLcode, _ curl: CurlEasy, command: String) -> TransportError {
    let detail = curl.describe(code)
    switch code {
    case CURLE_LOGIN_DENIED:
      return .loginRefused(server: server, detail: detail)
    case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR,
         CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
         CURLE_SSL_CACERT_BADFILE, CURLE_USE_SSL_FAILED, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY:
      return .unreachable(server: server, detail: detail)
    default:
      return .commandFailed(server: server, command: command, detail: detail)
    }
  }
}

import CCurl
