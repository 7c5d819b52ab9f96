/// Upper bounds the parser enforces before it spends memory or time on a message.
///
/// Mail reaches Meldpunt from anyone, so every dimension an attacker controls (total size,
/// header size, part count, nesting) has a limit. Exceeding one makes
/// ``MIMEMessage/parse(_:limits:)`` throw the matching ``MIMEError`` instead of degrading.
/// The defaults fit real mail: see RFC 5322 §2.1.1 for line lengths and RFC 2046 §5.1 for
/// multipart nesting.
public struct MIMELimits: Sendable, Equatable {
  /// Largest accepted input, in bytes (the message as given, before mbox framing is removed).
  public var maxMessageBytes: Int
  /// Largest header block of any one part (message root, body part or embedded message), in bytes.
  public var maxHeaderBytes: Int
  /// Most parts in the whole tree, counting the root and every embedded-message root.
  public var maxParts: Int
  /// Deepest part: the root is at depth 0, its children at depth 1, and so on.
  /// Multipart children and the root of an embedded `message/rfc822` each add one level.
  public var maxDepth: Int

  public init(
    maxMessageBytes: Int = 50 * 1024 * 1024,
    maxHeaderBytes: Int = 256 * 1024,
    maxParts: Int = 1000,
    maxDepth: Int = 32
  ) {
    self.maxMessageBytes = maxMessageBytes
    self.maxHeaderBytes = maxHeaderBytes
    self.maxParts = maxParts
    self.maxDepth = maxDepth
  }

  /// The limits used when none are given.
  public static let `default` = MIMELimits()
}
