import Cases
import Crypto
import Foundation
import Logging
import OpenPGP
import Store
import Transport

/// Cases delivered where the security team already works: a structured ticket by
/// mail (report content only ever inside the encryption) and the case JSON to webhooks.
extension Gateway {
  enum TeamEvent: String { case newCase = "New vulnerability report", followUp = "Follow-up", agreement = "Agreement changed", state = "State changed" }

  /// Queues and sends the team ticket for `caseID`. Failures wait in the outbox; they never stop the pipeline.
  func notifyTeam(_ event: TeamEvent, caseID: CaseID) async {
    guard !configuration.team.addresses.isEmpty,
          let export = try? await CaseExport.load(caseID, store: store, policy: configuration.timeline, scores: CaseScoring.score),
          let record = try? await store.caseRecord(caseID) else { return }
    let c = record.case
    let reportText = await Gateway.reportText(of: record, store: store, configuration: configuration) ?? "(not stored)"
    // By the fingerprints of the team's key files, never by looking an address up (issue 18);
    // a team keyring that cannot be listed leaves the tickets to `team.withoutKey`.
    let usable = Set(((try? await engine.keys(in: .team)) ?? []).filter { $0.canEncrypt && !$0.revoked && !$0.expired }.map(\.fingerprint.hex))
    for address in configuration.team.addresses {
      let keys = (teamKeys[address.lowercased()] ?? []).filter(usable.contains)
      do {
        let built: (bytes: [UInt8], messageID: String)
        if !keys.isEmpty {
          var message = OutgoingMessage(from: configuration.address, to: address,
                                        subject: "[\(c.id)] \(event.rawValue): \(c.title)", body: TeamTicket.text(c, event: event.rawValue, report: reportText),
                                        inReplyTo: nil, references: [], domain: configuration.domain)
          message.attachments = [OutgoingAttachment(name: "\(c.id).json", type: "application/json", bytes: export.json())]
          built = try await message.encrypted(by: signer, to: keys, engine: engine)
        } else if configuration.team.withoutKey == "summary" {
          let message = OutgoingMessage(from: configuration.address, to: address,
                                        subject: "[\(c.id)] \(event.rawValue) (severity \(c.severity?.rawValue ?? "not rated"))",
                                        body: TeamTicket.summary(c, event: event.rawValue), inReplyTo: nil, references: [],
                                        domain: configuration.domain)
          built = try await message.signed(by: signer, engine: engine)
        } else {
          continue
        }
        let entry = try await store.enqueue(OutgoingMail(caseID: c.id, rawMailID: nil, kind: .team, sender: configuration.address,
                                                         recipient: address, messageID: built.messageID, message: built.bytes))
        _ = await deliver(entry, log: logger)
      } catch {
        logger.warning("Team notification not queued", metadata: ["case.id": "\(c.id)", "error": "\(error)"])
      }
    }
  }

  /// Queues the case JSON for every webhook that wants `event`.
  func queueWebhooks(_ event: WebhookConfiguration.Event, caseID: CaseID) async {
    let hooks = configuration.webhooks.filter { $0.events.contains(event) }
    guard !hooks.isEmpty,
          let export = try? await CaseExport.load(caseID, store: store, policy: configuration.timeline, scores: CaseScoring.score) else { return }
    let body = export.json()
    for hook in hooks {
      // The event travels in the Message-ID slot: "<event.uuid@webhook>".
      let id = "<\(event.rawValue).\(UUID().uuidString.lowercased())@webhook>"
      guard let entry = try? await store.enqueue(OutgoingMail(caseID: caseID, rawMailID: nil, kind: .webhook, sender: hook.name,
                                                              recipient: hook.url, messageID: id, message: body)) else { continue }
      _ = await deliver(entry, log: logger)
    }
  }

  /// Posts one queued webhook delivery, signed with the hook's HMAC secret.
  func postWebhook(_ entry: OutboxEntry) async throws(TransportError) {
    guard let hook = configuration.webhooks.first(where: { $0.name == entry.sender }) else {
      throw .commandFailed(server: entry.recipient, command: "POST", detail: "the webhook \(entry.sender) is no longer configured")
    }
    let event = entry.messageID.dropFirst().prefix { $0 != "." }
    let timestamp = String(Int(Date().timeIntervalSince1970))
    try await webhookSender.post(entry.message, to: hook.url, headers: [
      "X-Meldpunt-Event: \(event)",
      "X-Meldpunt-Delivery: \(entry.id)",
      "X-Meldpunt-Timestamp: \(timestamp)",
      "X-Meldpunt-Signature: sha256=\(WebhookSignature.sign(body: entry.message, timestamp: timestamp, secret: hook.secret))",
    ])
  }
}

/// HMAC-SHA256 over "timestamp.body" (hex), so a receiver can check the sender and refuse
/// replays by the timestamp and the delivery id.
public enum WebhookSignature {
  public static func sign(body: [UInt8], timestamp: String, secret: String) -> String {
    var message = Array(timestamp.utf8)
    message.append(UInt8(ascii: "."))
    message += body
    let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
    return mac.lowercaseHex
  }
}

/// The ticket text: everything the team needs. It goes only into encrypted mail.
enum TeamTicket {
  static func text(_ c: Case, event: String, report: String) -> String {
    var lines = ["\(event): case \(c.id) [\(c.state.rawValue)]", "", "Title:      \(c.title)",
                 "Severity:   \(c.severity?.rawValue ?? "not rated")"]
    for vector in c.cvssVectors {
      if let scored = CaseScoring.score(vector) { lines.append("CVSS:       \(scored.score) \(scored.severity)  \(vector)") }
    }
    lines.append("Assets:     \(c.assets.isEmpty ? "-" : c.assets.joined(separator: ", "))  [\(c.scope.rawValue)]")
    let v = c.verdict
    lines.append("Encryption: \(v.encryption.name)")
    var signature = "Signature:  \(v.signature.name)"
    if let fpr = v.signature.fingerprint { signature += " by \(fpr)" }
    if let matches = v.signature.matchesFrom { signature += matches ? " (matches From)" : " (does NOT match From)" }
    lines.append(signature)
    if !v.flags.isEmpty { lines.append("Flags:      \(v.flags.sorted().map(\.rawValue).joined(separator: ", "))") }
    lines.append("Reporter:   \(c.reporterName.map { "\($0) " } ?? "")<\(c.reporterAddress)>")
    lines.append("Timeline:   acknowledge by \(UTCDate.day(c.timeline.acknowledgeDue)), assess by \(UTCDate.day(c.timeline.triageDue)), fix by \(UTCDate.day(c.agreement?.fixDue ?? c.timeline.fixDue)), disclosure \(UTCDate.day(c.agreement?.disclosureDate ?? c.timeline.proposedDisclosure))")
    lines += ["", "Report:", report, "", "The attached JSON is the whole case (Config/schemas/case-export.schema.json)."]
    return lines.joined(separator: "\n") + "\n"
  }

  /// For a team address without a key: no report content at all.
  static func summary(_ c: Case, event: String) -> String {
    ["\(event): case \(c.id) [\(c.state.rawValue)], severity \(c.severity?.rawValue ?? "not rated").",
     "Received \(UTCDate.timestamp(c.timeline.receivedAt)); assess by \(UTCDate.day(c.timeline.triageDue)), fix by \(UTCDate.day(c.agreement?.fixDue ?? c.timeline.fixDue)).",
     "", "This address has no OpenPGP key in the gateway's team keyring, so the report is not included.",
     "Read it with `meldpunt cases show \(c.id)`."].joined(separator: "\n") + "\n"
  }
}
