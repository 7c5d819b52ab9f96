import Foundation

/// A vulnerability report as the gateway read it from one mail.
///
/// `text` and `subject` are report content (possibly decrypted): they go into the
/// case for the team and never into a mail to the reporter or a log line.
public struct Report: Sendable, Equatable {
  /// The address the acknowledgement goes to (the From address).
  public var reporterAddress: String
  public var reporterName: String?
  /// The subject that counts: the protected one when the message had one.
  public var subject: String
  public var subjectWasProtected: Bool
  public var text: String
  public var messageID: String?
  /// Message-IDs the mail referred to (In-Reply-To and References), for threading.
  public var references: [String]
  public var receivedAt: Date
  public var attachments: [Attachment]

  public init(reporterAddress: String, reporterName: String? = nil, subject: String, subjectWasProtected: Bool = false,
              text: String, messageID: String? = nil, references: [String] = [], receivedAt: Date,
              attachments: [Attachment] = []) {
    self.reporterAddress = reporterAddress
    self.reporterName = reporterName
    self.subject = subject
    self.subjectWasProtected = subjectWasProtected
    self.text = text
    self.messageID = messageID
    self.references = references
    self.receivedAt = receivedAt
    self.attachments = attachments
  }
}

/// A file that came with a report (name, type and size; the bytes stay in the raw mail).
public struct Attachment: Sendable, Equatable, Codable {
  public var name: String?
  public var type: String
  public var size: Int
  public var encrypted: Bool
  public init(name: String?, type: String, size: Int, encrypted: Bool) {
    self.name = name
    self.type = type
    self.size = size
    self.encrypted = encrypted
  }
}
