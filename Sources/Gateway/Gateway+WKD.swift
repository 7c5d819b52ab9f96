import Cases
import Foundation
import OpenPGP
import Store

/// Web Key Directory lookups (draft-koch-openpgp-webkey-service) of a reporter's key,
/// when nothing else gave one: the advanced location first, then the direct one.
extension Gateway {
  /// Looks the address up; imports and returns the key's fingerprint when the key
  /// carries that address and no other key is known for it.
  func lookUpWKD(_ address: String) async -> String? {
    guard configuration.wkdLookup, let mailbox = MailAddress.parse(address), !wkdMisses.contains(address.lowercased()) else { return nil }
    let local = String(address.split(separator: "@").first ?? "")
    let domain = mailbox.domain
    let hash = WebKeyDirectory.hash(localPart: local)
    let query = local.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? local
    let urls = ["https://openpgpkey.\(domain)/.well-known/openpgpkey/\(domain)/hu/\(hash)?l=\(query)",
                "https://\(domain)/.well-known/openpgpkey/hu/\(hash)?l=\(query)"]
    for url in urls {
      guard let key = try? await webhookSender.get(url, limit: 256 * 1024), !key.isEmpty,
            let fingerprint = KeyData.primaryFingerprint(key) else { continue }
      // The same door as a mail's attachment: public keys only, only for this address.
      let offer = await trust.offer([key], from: address, source: .wkd, wanted: [fingerprint])
      guard offer.imported.contains(fingerprint),
            let info = try? await engine.keys(matching: fingerprint.hex).first,
            info.emails.contains(where: { $0.caseInsensitiveCompare(address) == .orderedSame }),
            info.canEncrypt, !info.revoked, !info.expired else { continue }
      logger.info("Reporter key found in the Web Key Directory", metadata: ["pgp.key": "\(fingerprint.hex)"])
      // The key is in; a case waiting for it is settled the next time the key is used if this fails.
      do { try await keyArrived(fingerprint, source: .wkd) } catch {
        logger.warning("A case waiting for this key could not be settled", metadata: ["pgp.key": "\(fingerprint.hex)", "error": "\(error)"])
      }
      return offer.otherKeys.isEmpty ? fingerprint.hex : nil
    }
    wkdMisses.insert(address.lowercased())
    return nil
  }
}

/// Addresses whose WKD lookup found nothing in this run, so a flood of mail does not
/// become a flood of lookups.
///
/// `@unchecked Sendable` is safe: the set is only touched under `lock`.
final class AddressSet: @unchecked Sendable {
  private let lock = NSLock()
  private var addresses: Set<String> = []
  func contains(_ address: String) -> Bool { lock.withLock { addresses.contains(address) } }
  func insert(_ address: String) { lock.withLock { _ = addresses.insert(address) } }
}
