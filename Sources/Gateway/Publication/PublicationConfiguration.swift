/// What `meldpunt publish` puts in security.txt beyond the gateway's own settings.
///
/// The address, organisation, policy URL, key URL, scope, timeline and
/// safe-harbour sentence come from `GatewayConfiguration`; this holds only what
/// is about publishing. Read with `init(reader:)` (keys `publish.*`).
public struct PublicationConfiguration: Sendable, Equatable {
  /// `publish.baseURL`: the https site the output directory is served as, without a
  /// trailing slash, e.g. `https://example.org`. Canonical and Encryption are made from it.
  public var baseURL: String?
  /// `publish.contacts`: more Contact lines after `mailto:` the gateway address
  /// (URIs such as `https://example.org/contact` or `tel:+31-20-0000000`;
  /// a bare address gets `mailto:`).
  public var extraContacts: [String]
  /// `publish.acknowledgments`: URL of the page that thanks reporters.
  public var acknowledgments: String?
  /// `publish.hiring`: URL of security job openings.
  public var hiring: String?
  /// `publish.expiresDays`: days until security.txt expires, 1…365 (default 365).
  public var expiresDays: Int

  public init(baseURL: String? = nil, extraContacts: [String] = [], acknowledgments: String? = nil, hiring: String? = nil,
              expiresDays: Int = 365) {
    self.baseURL = baseURL
    self.extraContacts = extraContacts
    self.acknowledgments = acknowledgments
    self.hiring = hiring
    self.expiresDays = expiresDays
  }
}
