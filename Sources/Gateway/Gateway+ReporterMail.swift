import Cases
import Foundation
import Logging
import OpenPGP
import Store

/// Every mail to a reporter goes through here: signed by the gateway key, and also
/// encrypted when a key for the reporter's address is known, then queued in the outbox.
extension Gateway {
  /// The key to encrypt to: one that can encrypt and carries the reporter's address as
  /// a user ID. The key pinned to the case wins; with several other candidates none is
  /// guessed (the mail is signed only and the team is told).
  func reporterKey(for target: Case) async -> String? {
    guard let keys = try? await engine.keys(matching: "<\(target.reporterAddress)>") else { return nil }
    let usable = keys.filter { key in
      key.canEncrypt && !key.revoked && !key.expired
        && key.emails.contains { $0.caseInsensitiveCompare(target.reporterAddress) == .orderedSame }
    }
    if let pinned = target.reporterFingerprint, let key = usable.first(where: { $0.fingerprint.hex == pinned }) {
      return key.fingerprint.hex
    }
    return usable.count == 1 ? usable[0].fingerprint.hex : nil
  }

  /// Builds, signs (and encrypts when possible) and queues one mail to the reporter of `target`.
  func queueReporterMail(_ kind: OutboxEntry.Kind, for target: Case, rawMailID: Int64?, subject: String, body: String,
                         attachments: [OutgoingAttachment] = [], replyTo: String?) async throws(GatewayError) -> OutboxEntry {
    var message = OutgoingMessage(from: configuration.address, to: target.reporterAddress, subject: subject, body: body,
                                  inReplyTo: replyTo ?? target.messageID,
                                  references: [target.messageID, replyTo].compactMap { $0 }.uniqued(),
                                  domain: configuration.domain)
    message.attachments = attachments
    let built: (bytes: [UInt8], messageID: String)
    do {
      if let key = await reporterKey(for: target) {
        built = try await message.encrypted(by: signer, to: [key], engine: engine)
      } else {
        built = try await message.signed(by: signer, engine: engine)
      }
    } catch { throw .openPGP(error) }
    do {
      return try await store.enqueue(OutgoingMail(caseID: target.id, rawMailID: rawMailID, kind: kind, sender: configuration.address,
                                                  recipient: target.reporterAddress, messageID: built.messageID, message: built.bytes))
    } catch { throw .store(error) }
  }

  /// `meldpunt cases reply`: a message from the team to the reporter, recorded in the case.
  public func reply(to caseID: CaseID, text: String, actor: String) async throws(GatewayError) -> (sent: Bool, encrypted: Bool) {
    let record: CaseRecord?
    do { record = try await store.caseRecord(caseID) } catch { throw .store(error) }
    guard let target = record?.case else { throw .store(.notFound("Case \(caseID)")) }
    let encrypted = await reporterKey(for: target) != nil
    let entry = try await queueReporterMail(.reply, for: target, rawMailID: nil, subject: "[\(caseID)] Your vulnerability report",
                                            body: text, replyTo: nil)
    do { try await store.addNote(caseID: caseID, actor: actor, text: "Reply to the reporter (outbox \(entry.id)):\n\(text)") }
    catch { throw .store(error) }
    return (await deliver(entry, log: logger), encrypted)
  }
}

extension Array where Element: Hashable {
  func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
