import Cases
import Foundation
import MIME
import Transport

/// Everything the gateway needs to run, read from the config file and the environment.
///
/// Secrets (IMAP and SMTP passwords, the key passphrase) are never in this
/// struct's `description` and are never read from the config file itself: only
/// from the files it names or from the environment.
public struct GatewayConfiguration: Sendable, CustomStringConvertible {
  public var imap: ServerEndpoint
  public var processedFolder: String
  public var quarantineFolder: String
  public var smtp: ServerEndpoint
  /// The published security address: From of every mail the gateway sends.
  public var address: String
  public var organisation: String
  public var policyURL: String?
  public var gnupgHome: String
  public var passphrase: String?
  /// The fingerprint of the key that signs outgoing mail; nil picks the secret key for `address`.
  public var signingKey: String?
  public var databasePath: String
  public var storeReportText: Bool
  public var timeline: TimelinePolicy
  public var pollSeconds: Int
  public var maxMessageBytes: Int
  /// Parsing limits (`limits.*`): a mail over any of them is quarantined with the reason.
  public var limits: MIMELimits
  public var maxDecryptedBytes: Int
  public var acceptPlaintext: Bool
  /// What the published policy covers (`scope.inScope`, `scope.outOfScope`).
  public var scope = ScopePolicy()
  /// Promises due within this many working days are warned about (`timeline.warnWorkingDays`).
  public var overdueWarningWorkingDays = 2
  /// `mail.language` (en, nl): for reporters whose language cannot be told from the report.
  public var mailLanguage = "en"
  /// `mail.templatesDirectory`: the organisation's own wording, if not the shipped templates.
  public var templatesDirectory: String?
  /// `mail.noticeOnUnreadable`: send one signed "could not read" notice for quarantined mail.
  public var noticeOnUnreadable = true
  /// `mail.statusMails`: tell the reporter when the case changes state.
  public var statusMails = true
  /// `mail.maxPerSenderPerDay`: above this, mails to one address are held for an admin.
  public var maxMailsPerSenderPerDay = 10
  /// `policy.safeHarbour`: the organisation's own safe-harbour sentence (else the template's).
  public var safeHarbour: String?
  /// `gateway.keyURL`: where the public key is published.
  public var keyURL: String?
  /// `mail.retrySeconds`: the first retry delay of the outbox (then doubling, at most an hour).
  public var retrySeconds = 60
  /// `keys.warnDays`: warn this many days before a gateway key expires.
  public var keyWarningDays = 30
  /// `keys.wkdLookup`: look reporters' keys up in their domain's Web Key Directory when none is known.
  public var wkdLookup = true
  /// The security team: who gets each case as a structured ticket.
  public var team = TeamConfiguration()
  /// `webhooks.names` and `webhooks.<name>.*`: receivers of the case JSON.
  public var webhooks: [WebhookConfiguration] = []

  public init(imap: ServerEndpoint, processedFolder: String = "Processed", quarantineFolder: String = "Quarantine",
              smtp: ServerEndpoint, address: String, organisation: String = "example.org", policyURL: String? = nil,
              gnupgHome: String, passphrase: String? = nil, signingKey: String? = nil, databasePath: String,
              storeReportText: Bool = true, timeline: TimelinePolicy = .ncscDefault, pollSeconds: Int = 60,
              maxMessageBytes: Int = 50 * 1024 * 1024, limits: MIMELimits = .default,
              maxDecryptedBytes: Int = 64 * 1024 * 1024, acceptPlaintext: Bool = true) {
    self.imap = imap
    self.processedFolder = processedFolder
    self.quarantineFolder = quarantineFolder
    self.smtp = smtp
    self.address = address
    self.organisation = organisation
    self.policyURL = policyURL
    self.gnupgHome = gnupgHome
    self.passphrase = passphrase
    self.signingKey = signingKey
    self.databasePath = databasePath
    self.storeReportText = storeReportText
    self.timeline = timeline
    self.pollSeconds = pollSeconds
    self.maxMessageBytes = maxMessageBytes
    var limits = limits
    limits.maxMessageBytes = maxMessageBytes
    self.limits = limits
    self.maxDecryptedBytes = maxDecryptedBytes
    self.acceptPlaintext = acceptPlaintext
  }

  /// Safe to log: no secrets.
  public var description: String {
    "imap \(imap.server) as \(imap.user ?? "-"), smtp \(smtp.server), address \(address), gnupg.home \(gnupgHome), database \(databasePath)"
  }

  /// The domain part of `address`, for Message-IDs.
  public var domain: String {
    address.split(separator: "@").last.map(String.init) ?? "meldpunt.invalid"
  }
}

/// `team.addresses`, `team.keyFiles`, `team.withoutKey`.
public struct TeamConfiguration: Sendable {
  /// Where tickets go; each gets its own mail, encrypted to the keys that carry that address.
  public var addresses: [String] = []
  /// Public key files of the team members, imported into the key home at start.
  public var keyFiles: [String] = []
  /// For an address without a usable key: "summary" (no report content) or "nothing".
  public var withoutKey: String = "summary"
  public init() {}
}

/// One webhook: `webhooks.<name>.url`, `.secretFile`, `.events` (newCase, followUp, stateChange, overdue).
public struct WebhookConfiguration: Sendable {
  public enum Event: String, Sendable, CaseIterable { case newCase, followUp, stateChange, overdue }
  public var name: String
  public var url: String
  /// The HMAC-SHA256 secret (from a file or `MELDPUNT_WEBHOOKS_<NAME>_SECRET`); never logged.
  public var secret: String
  public var events: Set<Event>
  public init(name: String, url: String, secret: String, events: Set<Event>) {
    self.name = name
    self.url = url
    self.secret = secret
    self.events = events
  }
}
