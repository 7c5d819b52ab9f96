/// Why a byte sequence could not be parsed as a mail message.
///
/// The parser is tolerant of malformed syntax (see RFC 2045 §5.2 and RFC 2046 §5.1.1: bad
/// headers and missing delimiters degrade to opaque parts), so it throws only when a
/// ``MIMELimits`` bound is exceeded or when the input has no message structure at all.
/// Descriptions name the limit to change and never quote message content.
public enum MIMEError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The input is larger than ``MIMELimits/maxMessageBytes``.
  case tooLarge(bytes: Int, limit: Int)
  /// One part's header block is larger than ``MIMELimits/maxHeaderBytes``.
  case headerTooLarge(limit: Int)
  /// The message has more parts than ``MIMELimits/maxParts``.
  case tooManyParts(limit: Int)
  /// Parts are nested deeper than ``MIMELimits/maxDepth``.
  case tooDeep(limit: Int)
  /// The input is not a mail message; the string is a fixed reason, never message content.
  case notAMessage(String)

  public var description: String {
    switch self {
    case let .tooLarge(bytes, limit):
      "The message is \(bytes) bytes, over the \(limit)-byte limit; "
        + "raise `limits.maxMessageBytes` if such messages are expected."
    case let .headerTooLarge(limit):
      "A header block in the message is over the \(limit)-byte limit; "
        + "raise `limits.maxHeaderBytes` if such headers are expected."
    case let .tooManyParts(limit):
      "The message has more than \(limit) MIME parts; "
        + "raise `limits.maxParts` if such messages are expected."
    case let .tooDeep(limit):
      "The message nests MIME parts more than \(limit) levels deep; "
        + "raise `limits.maxDepth` if such messages are expected."
    case let .notAMessage(reason):
      "The input is not a mail message (\(reason)); check that the transport delivers raw RFC 5322 messages."
    }
  }
}
