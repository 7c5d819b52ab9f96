import Cases
import Foundation

/// A mail exactly as it arrived, stored before anything else is done with it.
public struct RawMail: Sendable, Equatable {
  public enum State: String, Sendable, Codable {
    /// Stored; nothing decided yet.
    case received
    /// A case holds it.
    case cased
    /// It could not be read and waits for an admin.
    case quarantined
    /// Moved out of the inbox after its case or quarantine entry was committed.
    case filed
  }

  public let id: Int64
  public let sha256: String
  public let messageID: String?
  public let size: Int
  public let receivedAt: Date
  public let imapUID: UInt32?
  public var state: State
}

/// A mail waiting to be sent (or sent), stored as the exact signed bytes.
public struct OutboxEntry: Sendable, Equatable {
  public enum Kind: String, Sendable, Codable { case acknowledgement, notice, status, reply, agreement, team, webhook }
  public enum State: String, Sendable, Codable { case pending, sent, failed, held }

  public let id: Int64
  public let caseID: CaseID?
  public let rawMailID: Int64?
  public let kind: Kind
  public let sender: String
  public let recipient: String
  public let messageID: String
  public let message: [UInt8]
  public var state: State
  public var attempts: Int
  public var lastError: String?
  public var nextAttemptAt: Date?
  public let createdAt: Date
  public var sentAt: Date?
}

/// A new outgoing mail for `Store.enqueue`.
public struct OutgoingMail: Sendable {
  public var caseID: CaseID?
  public var rawMailID: Int64?
  public var kind: OutboxEntry.Kind
  public var sender: String
  public var recipient: String
  public var messageID: String
  public var message: [UInt8]
  public init(caseID: CaseID?, rawMailID: Int64?, kind: OutboxEntry.Kind, sender: String, recipient: String,
              messageID: String, message: [UInt8]) {
    self.caseID = caseID
    self.rawMailID = rawMailID
    self.kind = kind
    self.sender = sender
    self.recipient = recipient
    self.messageID = messageID
    self.message = message
  }
}

/// A mail the gateway could not turn into a case, with the reason an admin reads.
public struct QuarantineEntry: Sendable, Equatable {
  public let id: Int64
  public let rawMailID: Int64?
  public let imapUID: UInt32?
  /// A short machine name (`noSecretKey`, `tooLarge` …).
  public let reason: String
  /// A sentence for the admin; never message content.
  public let detail: String
  public let quarantinedAt: Date
  public var released: Bool
}

/// One line of a case's append-only history.
public struct AuditEvent: Sendable, Equatable {
  public let id: Int64
  public let caseID: CaseID?
  public let rawMailID: Int64?
  public let at: Date
  public let actor: String
  public let action: String
  public let detail: String
}

/// A case with what the team needs to work it.
public struct CaseRecord: Sendable {
  public var `case`: Case
  public var rawMailID: Int64
  /// The report as read (decrypted) text; nil when the store is set not to keep it.
  public var reportText: String?
  /// The parsed report fields as JSON; nil when report text is not kept.
  public var fieldsJSON: String?

  public init(case: Case, rawMailID: Int64, reportText: String?, fieldsJSON: String? = nil) {
    self.case = `case`
    self.rawMailID = rawMailID
    self.reportText = reportText
    self.fieldsJSON = fieldsJSON
  }
}
