/// Everything that can go wrong talking to the mail servers.
///
/// Messages name the server and the config key to check; they never carry a
/// password, a message body or a subject.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// libcurl itself could not be set up or refused an option.
  case setup(String)
  /// The server could not be reached or the connection broke (network, TLS, timeout): worth retrying.
  case unreachable(server: String, detail: String)
  /// The server refused the login.
  case loginRefused(server: String, detail: String)
  /// The server answered a command with an error.
  case commandFailed(server: String, command: String, detail: String)
  /// An SMTP reply: `temporary` for 4xx (retry later), else permanent (5xx).
  case smtpRejected(server: String, code: Int, temporary: Bool, detail: String)
  /// A webhook receiver answered with an HTTP error status.
  case httpRejected(server: String, status: Int, temporary: Bool)
  /// A message was larger than the configured limit and was not downloaded.
  case messageTooLarge(uid: UInt32, limit: Int)
  /// The server's answer could not be understood.
  case unexpectedResponse(server: String, command: String)

  public var description: String {
    switch self {
    case .setup(let detail): return detail
    case .unreachable(let server, let detail):
      return "Cannot reach \(server): \(detail). Check the URL in the config, that the server runs, and `tls.caFile` for a private CA."
    case .loginRefused(let server, let detail):
      return "Login to \(server) refused (\(detail)); check the user and the password file in the config."
    case .commandFailed(let server, let command, let detail):
      return "\(server) refused \(command): \(detail)."
    case .smtpRejected(let server, let code, let temporary, let detail):
      return "\(server) answered \(code) (\(temporary ? "temporary, will retry" : "permanent")): \(detail)."
    case .httpRejected(let server, let status, let temporary):
      return "\(server) answered HTTP \(status) (\(temporary ? "temporary, will retry" : "refused; check the webhook's URL and secret"))."
    case .messageTooLarge(let uid, let limit):
      return "Message UID \(uid) is larger than the limit of \(limit) bytes (`limits.maxMessageBytes`); it was left in the mailbox."
    case .unexpectedResponse(let server, let command):
      return "\(server) gave an answer to \(command) that Meldpunt does not understand."
    }
  }

  /// Whether trying again later may succeed without an admin changing anything.
  public var isTemporary: Bool {
    switch self {
    case .unreachable: return true
    case .smtpRejected(_, _, let temporary, _): return temporary
    case .httpRejected(_, _, let temporary): return temporary
    default: return false
    }
  }
}
