import Cases
import Foundation
import OpenPGP
import Store

/// Whom the gateway trusts, and the one door through which keys from outside come in
/// (issue 18; SECURITY.md "Whom the gateway trusts, and why").
///
/// The gateway's own keys and the team's are chosen by fingerprint and live in keyrings no
/// mail can write to (`KeyRoles`). A mail, its Autocrypt header or a WKD answer may only offer
/// a reporter's public key, and `offer` takes it only when every rule holds: public key
/// material only, only user IDs for the mail's From, not for the gateway's or a team address,
/// not for an address the gateway already holds a key for (imported by an admin or pinned by a
/// case), and sharing no key or subkey with the gateway's or the team's keys.
public struct KeyTrust: Sendable {
  /// Why an offered key was not taken.
  public enum Refusal: String, Sendable, Codable, Equatable {
    case secretKeyMaterial, gatewayAddress, teamAddress, addressHasKey, sharesProtectedKey, noUserIDForAddress, notOpenPGP

    /// For the team: what was refused, and why.
    public var explanation: String {
      switch self {
      case .secretKeyMaterial: return "it contains a secret key (only public keys are ever taken from outside)"
      case .gatewayAddress: return "it is for the gateway's own address"
      case .teamAddress: return "it is for a team address"
      case .addressHasKey: return "the gateway already holds a key for this address (pinned or imported by an admin); a different key is a conflict for the team (`meldpunt cases pin-key`)"
      case .sharesProtectedKey: return "it shares a key or subkey with the gateway's or the team's keys"
      case .noUserIDForAddress: return "none of its user IDs carries the sender's address"
      case .notOpenPGP: return "it is not readable OpenPGP key material"
      }
    }
  }

  /// What one offer did.
  public struct OfferOutcome: Sendable, Equatable {
    public var imported: [Fingerprint] = []
    public var refusals: [Refusal] = []
    /// Keys that would have been imported, in a dry run (`meldpunt inspect`).
    public var wouldImport: [Fingerprint] = []
    /// Other keys the gateway already knew for the address of an imported key (none of them
    /// pinned): a conflict, so none is chosen by guess.
    public var otherKeys: [String] = []
    public init() {}
    public var secretKeyOffered: Bool { refusals.contains(.secretKeyMaterial) }

    mutating func merge(_ other: OfferOutcome) {
      imported += other.imported
      refusals += other.refusals
      wouldImport += other.wouldImport
      otherKeys += other.otherKeys
    }
  }

  let engine: OpenPGPEngine
  let store: Store?
  let gatewayAddress: String
  let teamAddresses: [String]
  /// Primary and subkey fingerprints of every key with a secret part in the key home, and of
  /// the team's keys.
  let protectedFingerprints: Set<String>
  /// Decide only: nothing is imported (`meldpunt inspect` without `--import-keys`).
  public let dryRun: Bool

  public init(engine: OpenPGPEngine, store: Store?, gatewayAddress: String, teamAddresses: [String],
              protectedFingerprints: Set<String>, dryRun: Bool = false) {
    self.engine = engine
    self.store = store
    self.gatewayAddress = gatewayAddress
    self.teamAddresses = teamAddresses
    self.protectedFingerprints = protectedFingerprints
    self.dryRun = dryRun
  }

  /// The trust of a gateway whose keys are listed now: every secret key in the key home and
  /// every team key is protected.
  public static func make(engine: OpenPGPEngine, store: Store?, gatewayAddress: String, teamAddresses: [String],
                          dryRun: Bool = false) async throws(OpenPGPError) -> KeyTrust {
    var protected = Set<String>()
    for key in try await engine.keys(secret: true) { protected.formUnion(([key.fingerprint] + key.subkeyFingerprints).map(\.hex)) }
    for key in try await engine.keys(in: .team) { protected.formUnion(([key.fingerprint] + key.subkeyFingerprints).map(\.hex)) }
    return KeyTrust(engine: engine, store: store, gatewayAddress: gatewayAddress, teamAddresses: teamAddresses,
                    protectedFingerprints: protected, dryRun: dryRun)
  }

  /// Keys pinned to `address`, none when the gateway has no store (inspect on a bare key home).
  public func pinnedKeys(for address: String) async -> [String] {
    guard let store else { return [] }
    // A store that cannot answer counts as "no key pinned" for reading only; the pipeline
    // itself stops at its next write to the same database.
    return (try? await store.pinnedKeys(for: address)) ?? []
  }

  /// Offers `blobs` (key material from one mail) as keys of `address`. With `wanted`, only a
  /// blob holding one of those keys (primary or subkey, by fingerprint or key ID) is imported:
  /// the signer of the mail that brought it.
  public func offer(_ blobs: [[UInt8]], from address: String, source: ReporterKey.Source,
                    wanted: [Fingerprint]) async -> OfferOutcome {
    var outcome = OfferOutcome()
    let lowered = address.lowercased()
    // What the address allows is the same for every blob: asked once, when a blob gets that far.
    var addressChecked = false
    var addressRefusal: Refusal?
    var pinned: [String] = []
    for blob in blobs {
      if KeyMaterial.containsSecretKey(blob) { outcome.refusals.append(.secretKeyMaterial); continue }
      guard let keys = try? KeyMaterial.keys(in: blob), !keys.isEmpty else { outcome.refusals.append(.notOpenPGP); continue }
      let fingerprints = keys.flatMap { [$0.fingerprint] + $0.subkeys.map(\.fingerprint) }
      if !wanted.isEmpty, !fingerprints.contains(where: { fpr in wanted.contains { $0.matches(fpr) } }) { continue }
      if !addressChecked {
        addressChecked = true
        if lowered == gatewayAddress.lowercased() { addressRefusal = .gatewayAddress }
        else if teamAddresses.contains(where: { $0.lowercased() == lowered }) { addressRefusal = .teamAddress }
        else { pinned = await pinnedKeys(for: lowered) }
      }
      if let addressRefusal { outcome.refusals.append(addressRefusal); continue }
      if fingerprints.contains(where: { protectedFingerprints.contains($0.hex) }) { outcome.refusals.append(.sharesProtectedKey); continue }
      // A key already pinned to this address may come again (a renewed expiry, a new subkey).
      if !pinned.isEmpty, !keys.allSatisfy({ pinned.contains($0.fingerprint.hex) }) { outcome.refusals.append(.addressHasKey); continue }
      guard keys.contains(where: { key in key.userIDs.contains { MailAddress.parse($0.text)?.address.lowercased() == lowered } }) else {
        outcome.refusals.append(.noUserIDForAddress)
        continue
      }
      if dryRun { outcome.wouldImport += keys.map(\.fingerprint); continue }
      let result: OfferedKeyImport
      do { result = try await engine.importOffered(blob, into: .reporters, keepingAddress: lowered) } catch {
        outcome.refusals.append(error == .secretKeyMaterial ? .secretKeyMaterial : .notOpenPGP)
        continue
      }
      outcome.imported += result.all
      if result.all.isEmpty { outcome.refusals.append(.noUserIDForAddress) }
      for fingerprint in result.all {
        // Only offered, not pinned: a case pins it when it signs a report for this address. The
        // record is the team's history of where keys came from (the key itself is in the keyring),
        // so a failed write loses that history line, not the key.
        outcome.otherKeys += (try? await store?.recordReporterKey(fingerprint.hex, address: lowered, source: source)) ?? []
      }
    }
    return outcome
  }
}
