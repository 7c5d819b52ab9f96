import Cases
import Foundation
import Logging
import OpenPGP
import Store

/// Every mail to a reporter goes through here: signed by the gateway key, and also
/// encrypted when a key for the reporter's address is known, then queued in the outbox.
extension Gateway {
  /// The key to encrypt to: one that can encrypt, carries the reporter's address as a user
  /// ID, and is neither weak, expired nor revoked (issue 18, point 4). The key pinned to the
  /// case wins; an address with a pinned key gets no other key; with several candidates none
  /// is guessed (the mail is signed only and the team is told).
  func reporterKey(for target: Case) async -> (key: String?, refused: String?) {
    guard let keys = try? await engine.keys(matching: "<\(target.reporterAddress)>") else { return (nil, nil) }
    let pinned = [target.reporterFingerprint].compactMap { $0?.uppercased() } + (await trust.pinnedKeys(for: target.reporterAddress))
    var usable = keys.filter { key in
      key.canEncrypt && !key.revoked && !key.expired
        && key.emails.contains { $0.caseInsensitiveCompare(target.reporterAddress) == .orderedSame }
    }
    if !pinned.isEmpty { usable = usable.filter { pinned.contains($0.fingerprint.hex) } }
    var refused: String?
    var strong: [KeyInfo] = []
    for key in usable {
      if let weakness = await weakness(of: key.fingerprint) {
        refused = "the reporter's key \(key.fingerprint.hex) is weak (\(weakness)), so mail to the reporter is signed only"
      } else {
        strong.append(key)
      }
    }
    if let first = pinned.first, let key = strong.first(where: { $0.fingerprint.hex == first }) { return (key.fingerprint.hex, nil) }
    if strong.count == 1 { return (strong[0].fingerprint.hex, nil) }
    // Several candidates: never guess. None at all: ask the reporter's domain.
    if strong.isEmpty, usable.isEmpty, pinned.isEmpty { return (await lookUpWKD(target.reporterAddress), nil) }
    return (nil, refused)
  }

  /// Why a key must never be encrypted to (RSA/DSA under 2048 bits, only SHA-1 self-signatures),
  /// read from its exported packets once per key and run.
  func weakness(of fingerprint: Fingerprint) async -> KeyWeakness? {
    if let known = keyStrengths.withLock({ $0[fingerprint.hex] }) { return known }
    // A key that cannot be exported or read is not judged weak here; gpg's own checks still apply.
    guard let exported = try? await engine.exportPublicKey(fingerprint.hex, armored: false),
          let summary = try? KeyMaterial.keys(in: exported).first(where: { $0.fingerprint == fingerprint }) else { return nil }
    keyStrengths.withLock { $0[fingerprint.hex] = summary.weakness }
    return summary.weakness
  }

  /// Builds, signs (and encrypts when possible) and queues one mail to the reporter of `target`.
  func queueReporterMail(_ kind: OutboxEntry.Kind, for target: Case, rawMailID: Int64?, subject: String, body: String,
                         attachments: [OutgoingAttachment] = [], replyTo: String?) async throws(GatewayError) -> OutboxEntry {
    try await composeReporterMail(kind, for: target, rawMailID: rawMailID, subject: subject, body: body,
                                  attachments: attachments, replyTo: replyTo).entry
  }

  /// `queueReporterMail`, also telling whether the mail was encrypted (the key is looked up once).
  func composeReporterMail(_ kind: OutboxEntry.Kind, for target: Case, rawMailID: Int64?, subject: String, body: String,
                           attachments: [OutgoingAttachment] = [], replyTo: String?) async throws(GatewayError) -> (entry: OutboxEntry, encrypted: Bool) {
    var message = OutgoingMessage(from: configuration.address, to: target.reporterAddress, subject: subject, body: body,
                                  inReplyTo: replyTo ?? target.messageID,
                                  references: [target.messageID, replyTo].compactMap { $0 }.uniqued(),
                                  domain: configuration.domain)
    message.attachments = attachments
    let built: (bytes: [UInt8], messageID: String)
    let signStart = ContinuousClock.now
    defer { clock.add(.sign, since: signStart) }
    let (key, refused) = await reporterKey(for: target)
    if let refused, kind == .acknowledgement {
      // Told to the team once, with the acknowledgement; later mails go the same way.
      _ = try? await store.addNote(caseID: target.id, actor: "gateway", text: "Not encrypted: \(refused).")
    }
    do {
      if let key {
        built = try await message.encrypted(by: signer, to: [key], engine: engine)
      } else {
        built = try await message.signed(by: signer, engine: engine)
      }
    } catch { throw .openPGP(error) }
    // The acknowledgement is always sent; later mails above the per-sender rate wait for an admin.
    let held = kind != .acknowledgement && kind != .reply ? await overRateLimit(target.reporterAddress) : false
    do {
      let entry = try await store.enqueue(OutgoingMail(caseID: target.id, rawMailID: rawMailID, kind: kind, sender: configuration.address,
                                                       recipient: target.reporterAddress, messageID: built.messageID, message: built.bytes),
                                          held: held)
      return (entry, key != nil)
    } catch { throw .store(error) }
  }

  /// `meldpunt cases reply`: a message from the team to the reporter, recorded in the case.
  public func reply(to caseID: CaseID, text: String, actor: String) async throws(GatewayError) -> (sent: Bool, encrypted: Bool) {
    let record: CaseRecord?
    do { record = try await store.caseRecord(caseID) } catch { throw .store(error) }
    guard let target = record?.case else { throw .store(.notFound("Case \(caseID)")) }
    let (entry, encrypted) = try await composeReporterMail(.reply, for: target, rawMailID: nil,
                                                           subject: "[\(caseID)] Your vulnerability report", body: text, replyTo: nil)
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

extension Gateway {
  /// Whether one more mail to `recipient` today would pass `mail.maxPerSenderPerDay`.
  func overRateLimit(_ recipient: String) async -> Bool {
    let since = Date().addingTimeInterval(-86_400)
    let count = (try? await store.mailCount(to: recipient, since: since)) ?? 0
    return count >= configuration.maxMailsPerSenderPerDay
  }

  /// The one signed "could not read" notice for a quarantined mail, if the config
  /// wants it and the loop rules allow it. The same words whatever the cause.
  func sendUnreadableNotice(_ raw: RawMail, log: Logger) async throws(GatewayError) {
    guard configuration.noticeOnUnreadable else { return }
    let bytes: [UInt8]
    do { bytes = try await store.rawMailBytes(id: raw.id) } catch { throw .store(error) }
    let headers = HeaderScan.headers(bytes)
    let sender = headers["From"].flatMap(MailAddress.parse)
    if let reason = ReplyPolicy.refusal(to: sender?.address ?? "", headers: AutoReplyHeaders(headers), gatewayAddress: configuration.address) {
      log.info("No notice sent for the unreadable mail", metadata: ["reason": "\(reason)"])
      do { try await store.recordEvent(caseID: nil, rawMailID: raw.id, action: "notice.suppressed", detail: reason) }
      catch { throw .store(error) }
      return
    }
    guard let recipient = sender?.address else { return }
    let text = Acknowledgement.unreadableNotice(receivedAt: raw.receivedAt, texts: mail.texts(for: nil), facts: facts)
    let message = OutgoingMessage(from: configuration.address, to: recipient, subject: text.subject, body: text.body,
                                  inReplyTo: raw.messageID, references: raw.messageID.map { [$0] } ?? [], domain: configuration.domain)
    let signed: (bytes: [UInt8], messageID: String)
    do { signed = try await message.signed(by: signer, engine: engine) } catch { throw .openPGP(error) }
    let held = await overRateLimit(recipient)
    let entry: OutboxEntry
    do {
      entry = try await store.enqueue(OutgoingMail(caseID: nil, rawMailID: raw.id, kind: .notice, sender: configuration.address,
                                                   recipient: recipient, messageID: signed.messageID, message: signed.bytes), held: held)
    } catch { throw .store(error) }
    // Not sent now: notices go out together at the end of the pass, so when one leaves
    // says nothing about why the mail could not be read (processOnce delivers them).
    _ = entry
  }

  /// Tells the reporter about a new state of their case (`mail.statusMails`).
  func sendStatus(for target: Case, log: Logger) async throws(GatewayError) {
    guard configuration.statusMails, [.triaged, .accepted, .fixed, .disclosed].contains(target.state) else { return }
    let text = Acknowledgement.statusChange(caseID: target.id, state: target.state, fixDue: target.agreement?.fixDue ?? target.timeline.fixDue,
                                            disclosure: target.agreement?.disclosureDate ?? target.timeline.proposedDisclosure,
                                            disclosureAgreed: target.agreement?.disclosureDate != nil,
                                            texts: mail.texts(for: target.language), facts: facts)
    let entry = try await queueReporterMail(.status, for: target, rawMailID: nil, subject: text.subject, body: text.body, replyTo: nil)
    if entry.state == .pending { _ = await deliver(entry, log: log) }
  }

  /// `meldpunt outbox retry`: releases a held or failed mail and tries to send it now.
  public func retryOutbox(_ id: Int64, actor: String) async throws(GatewayError) -> Bool {
    let entry: OutboxEntry
    do { entry = try await store.release(outboxID: id, actor: actor) } catch { throw .store(error) }
    if entry.state == .sent { return true }
    return await deliver(entry, log: logger)
  }
}

