import Cases
import Foundation
import OpenPGP
import Store

/// What an admin or the team says about keys (`meldpunt keys import|adopt|pin`,
/// `meldpunt cases pin-key`): the only ways, besides a report signed for its own address, by
/// which a key becomes trusted (issue 18).
extension Gateway {
  /// What `keys import` did, one sentence per key.
  public struct AdminImport: Sendable {
    public var gatewayKeys: [Fingerprint] = []
    public var reporterKeys: [Fingerprint] = []
    public var notes: [String] = []
  }

  /// `meldpunt keys import FILE`. A file with a secret key is the gateway's own key: imported
  /// into the key home and recorded as a gateway key (it signs once `keys rotate`/`gateway.signingKey`
  /// says so, or when it is the only one). A file of public keys holds reporters' keys: imported
  /// into the reporters' keyring with every user ID (an admin vouches for them) and pinned to
  /// each address it carries that has no pinned key yet; cases waiting for such a key are settled.
  public func importAdminKeys(_ data: [UInt8], file: String, actor: String) async throws(GatewayError) -> AdminImport {
    var result = AdminImport()
    if KeyMaterial.containsSecretKey(data) {
      let imported: [Fingerprint]
      do { imported = try await engine.importKeys(data) } catch { throw .openPGP(error) }
      let secret: [KeyInfo]
      do { secret = try await engine.keys(secret: true) } catch { throw .openPGP(error) }
      for fingerprint in imported where secret.contains(where: { $0.fingerprint == fingerprint }) {
        do { try await store.recordKeyEvent(action: "adopted", fingerprint: fingerprint.hex, detail: "imported from \(file) as a gateway key", actor: actor) }
        catch { throw .store(error) }
        result.gatewayKeys.append(fingerprint)
      }
      return result
    }
    let imported: OfferedKeyImport
    do { imported = try await engine.importOffered(data, into: .reporters, keepingAddress: nil) } catch { throw .openPGP(error) }
    for fingerprint in imported.all {
      let keys: [KeyInfo]
      do { keys = try await engine.keys(in: .reporters, matching: fingerprint.hex) } catch { throw .openPGP(error) }
      for key in keys where key.fingerprint == fingerprint {
        for address in key.emails {
          do {
            _ = try await store.recordReporterKey(fingerprint.hex, address: address, source: .admin, pin: true)
            let pinned = try await store.pinnedKeys(for: address)
            if !pinned.contains(fingerprint.hex) {
              result.notes.append("\(address) already has the pinned key \(pinned.joined(separator: ", ")); `meldpunt keys pin \(address) \(fingerprint.hex)` makes this one the reporter's key.")
            }
          } catch { throw .store(error) }
        }
      }
      do { try await store.recordKeyEvent(action: "imported", fingerprint: fingerprint.hex, detail: "reporter key from \(file)", actor: actor) }
      catch { throw .store(error) }
      result.reporterKeys.append(fingerprint)
      try await keyArrived(fingerprint, source: .admin)
    }
    return result
  }

  /// `meldpunt keys adopt FPR`: a key made with gpg in the key home becomes a gateway key,
  /// once and explicitly (it is never found by its address).
  public static func adoptGatewayKey(_ fingerprint: String, configuration: GatewayConfiguration, engine: OpenPGPEngine,
                                     store: Store, actor: String) async throws(GatewayError) -> KeyInfo {
    let keys: [KeyInfo]
    do { keys = try await engine.keys(matching: fingerprint, secret: true) } catch { throw .openPGP(error) }
    guard Fingerprint(fingerprint).isFull, let key = keys.first(where: { $0.fingerprint.matches(Fingerprint(fingerprint)) }) else {
      throw .openPGP(.keyHome("No secret key \(fingerprint) in \(configuration.gnupgHome); give the full fingerprint of a key listed by `meldpunt keys list` (role gateway-candidate)."))
    }
    guard key.canSign, !key.revoked, !key.expired else { throw .openPGP(.signingKeyUnusable(fingerprint)) }
    do { try await store.recordKeyEvent(action: "adopted", fingerprint: key.fingerprint.hex, detail: "adopted from the key home", actor: actor) }
    catch { throw .store(error) }
    return key
  }

  /// `meldpunt keys pin ADDRESS FPR`: makes FPR the one key trusted for ADDRESS.
  public func pinKey(_ fingerprint: String, address: String, actor: String) async throws(GatewayError) {
    let key = try await reporterKeyCarrying(address, fingerprint: fingerprint)
    do { try await store.pinReporterKey(key.fingerprint.hex, address: address, actor: actor) } catch { throw .store(error) }
    try await keyArrived(key.fingerprint, source: .admin)
  }

  /// `meldpunt cases pin-key ID FPR`: the team settles which key is the case's reporter's. The
  /// key is pinned to the case and its reporter's address, and the stored original is verified
  /// again with it. Returns the original's signature verdict now.
  public func pinCaseKey(_ caseID: CaseID, fingerprint: String, actor: String) async throws(GatewayError) -> Verdict {
    let record: CaseRecord?
    do { record = try await store.caseRecord(caseID) } catch { throw .store(error) }
    guard let record else { throw .store(.notFound("Case \(caseID)")) }
    let key = try await reporterKeyCarrying(record.case.reporterAddress, fingerprint: fingerprint)
    do { try await store.pinReporterKey(key.fingerprint.hex, address: record.case.reporterAddress, actor: actor) } catch { throw .store(error) }
    let bytes: [UInt8]
    do { bytes = try await store.rawMailBytes(id: record.rawMailID) } catch { throw .store(error) }
    let again = await reader.read(bytes, receivedAt: record.case.timeline.receivedAt)
    let verified = again.verdict.signature.fingerprint?.uppercased() == key.fingerprint.hex && again.verdict.speaksForSender
    do { try await store.pinCaseKey(caseID: caseID, fingerprint: key.fingerprint.hex, verdict: verified ? again.verdict : nil, actor: actor) }
    catch { throw .store(error) }
    return verified ? again.verdict : record.case.verdict
  }

  /// A key the gateway holds that carries `address` as a user ID.
  func reporterKeyCarrying(_ address: String, fingerprint: String) async throws(GatewayError) -> KeyInfo {
    let keys: [KeyInfo]
    do { keys = try await engine.keys(matching: fingerprint) } catch { throw .openPGP(error) }
    guard Fingerprint(fingerprint).isFull, let key = keys.first(where: { $0.fingerprint.matches(Fingerprint(fingerprint)) }) else {
      throw .openPGP(.keyHome("No key \(fingerprint) in the gateway's keyrings; import it first (`meldpunt keys import FILE`) and give its full fingerprint."))
    }
    guard key.emails.contains(where: { $0.caseInsensitiveCompare(address) == .orderedSame }) else {
      throw .openPGP(.keyHome("The key \(key.fingerprint.hex) has no user ID with \(address), so it cannot be that reporter's key."))
    }
    return key
  }
}
