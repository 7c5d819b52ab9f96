import CGPGME
import Foundation

/// The algorithms `meldpunt keys generate` offers.
public enum KeyAlgorithm: String, Sendable, CaseIterable {
  /// Ed25519 signing primary key with a Cv25519 encryption subkey: the default (no RSA padding oracle).
  case ed25519
  case rsa3072
  case rsa4096

  var primary: String { self == .ed25519 ? "ed25519" : rawValue }
  var encryption: String { self == .ed25519 ? "cv25519" : rawValue }
}

/// Key management for `meldpunt keys`: generation and revocation in the key home.
/// See https://www.gnupg.org/documentation/manuals/gpgme/Generating-Keys.html
extension OpenPGPEngine {
  /// Creates a signing primary key and an encryption subkey for `userID`, expiring after
  /// `lifetime` seconds (0: never). Protected by the engine's passphrase, or by none.
  public func generateKey(userID: String, algorithm: KeyAlgorithm, lifetime: Int) async throws(OpenPGPError) -> Fingerprint {
    let (home, passphrase) = (self.home, self.passphrase)
    return try await Self.blocking { () throws(OpenPGPError) -> Fingerprint in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      defer { KeyListings.shared.forget(home: home) }
      var flags = UInt32(GPGME_CREATE_SIGN | GPGME_CREATE_CERT | GPGME_CREATE_FORCE)
      if passphrase == nil { flags |= UInt32(GPGME_CREATE_NOPASSWD) }
      if lifetime == 0 { flags |= UInt32(GPGME_CREATE_NOEXPIRE) }
      try GPGContext.check(gpgme_op_createkey(ctx.handle, userID, algorithm.primary, 0, UInt(lifetime), nil, flags), "gpgme_op_createkey")
      guard let created = gpgme_op_genkey_result(ctx.handle)?.pointee.fpr.map({ String(cString: $0) }) else {
        throw .gpgme(function: "gpgme_op_createkey", code: 0, message: "no fingerprint returned")
      }
      var key: gpgme_key_t?
      try GPGContext.check(gpgme_get_key(ctx.handle, created, &key, 1), "gpgme_get_key")
      defer { if let key { gpgme_key_unref(key) } }
      var subFlags = UInt32(GPGME_CREATE_ENCR)
      if passphrase == nil { subFlags |= UInt32(GPGME_CREATE_NOPASSWD) }
      if lifetime == 0 { subFlags |= UInt32(GPGME_CREATE_NOEXPIRE) }
      try GPGContext.check(gpgme_op_createsubkey(ctx.handle, key, algorithm.encryption, 0, UInt(lifetime), subFlags), "gpgme_op_createsubkey")
      // gpg checks a key's self-signatures each time it loads the key, unless the keyring
      // remembers the result; it writes that down when a key is imported or changed, but
      // not for the subkey binding it just made. Setting the same expiry once more
      // rewrites the key with every signature marked checked, which spares every later
      // decryption and signature three Ed25519 verifications (~1 ms; BENCHMARKS.md, step 18).
      try GPGContext.check(gpgme_op_setexpire(ctx.handle, key, UInt(lifetime), nil, 0), "gpgme_op_setexpire")
      return Fingerprint(created)
    }
  }

  /// Revokes a key with the revocation certificate gpg made when the key was created
  /// (`openpgp-revocs.d/<fingerprint>.rev` in the key home).
  public func revoke(_ fingerprint: Fingerprint) async throws(OpenPGPError) {
    let path = "\(home)/openpgp-revocs.d/\(fingerprint.hex).rev"
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .gpgme(function: "revoke", code: 0, message: "no revocation certificate at \(path); revoke with gpg --gen-revoke instead")
    }
    // gpg writes a ':' before the armor line so the file is not imported by accident.
    let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
                                                                          with: "-----BEGIN PGP PUBLIC KEY BLOCK-----")
    _ = try await importKeys(Array(text.utf8))
  }
}

/// What an import of key material offered from outside did (`OpenPGPEngine.importOffered`).
public struct OfferedKeyImport: Sendable, Equatable {
  /// Keys that are new in the role keyring, or changed there.
  public var imported: [Fingerprint] = []
  /// Keys the role keyring already held as they are.
  public var unchanged: [Fingerprint] = []
  /// Keys left out because none of their user IDs carries the address asked for.
  public var withoutMatchingUserID = 0

  public init() {}
  public var all: [Fingerprint] { (imported + unchanged).sorted() }
}

extension OpenPGPEngine {
  /// The role homes beside this key home.
  public var roles: KeyRoles { KeyRoles(home: home) }

  /// Imports public keys offered from outside (a mail's attachment, an Autocrypt header, a WKD
  /// answer, or a reporter key an admin imports) into the keyring of `role`, never into the key
  /// home. With `address`, only user IDs whose address is exactly that one are kept (gpg's
  /// `keep-uid` import filter), so a key cannot bring a user ID for another address; a key left
  /// with none is not imported. Any secret-key packet refuses the whole import
  /// (`.secretKeyMaterial`): gpg would otherwise hand it to the role home's agent. The role
  /// homes must exist (`roles.prepare()`, done when a gateway opens).
  public func importOffered(_ data: [UInt8], into role: KeyRoles.Role, keepingAddress address: String?) async throws(OpenPGPError) -> OfferedKeyImport {
    precondition(role != .gateway, "keys from outside never go into the key home")
    if KeyMaterial.containsSecretKey(data) { throw .secretKeyMaterial }
    let roles = self.roles
    let gatewayHome = home
    let filter: String?
    if let address {
      // The filter is an expression: an address with its syntax in it must not change its meaning.
      guard !address.isEmpty, address.unicodeScalars.allSatisfy({ $0.value > 0x20 && !"\"'&|!()<>\\".unicodeScalars.contains($0) }) else {
        throw .gpgme(function: "import filter", code: 0, message: "the address cannot be used to filter user IDs")
      }
      filter = "keep-uid=mbox = \(address.lowercased())"
    } else {
      filter = nil
    }
    return try await Self.blocking { () throws(OpenPGPError) -> OfferedKeyImport in
      let roleHome = roles.path(of: role)
      let ctx = try GPGContext(home: roleHome, passphrase: nil)
      if let filter { try GPGContext.check(gpgme_set_ctx_flag(ctx.handle, "import-filter", filter), "gpgme_set_ctx_flag") }
      let input = try GPGData(data)
      defer {
        KeyListings.shared.forget(home: roleHome)
        KeyListings.shared.forget(home: gatewayHome)
        KeyListings.shared.forget(home: roles.home)
      }
      try GPGContext.check(gpgme_op_import(ctx.handle, input.handle), "gpgme_op_import")
      guard let result = gpgme_op_import_result(ctx.handle)?.pointee else { return OfferedKeyImport() }
      var outcome = OfferedKeyImport()
      outcome.withoutMatchingUserID = Int(result.no_user_id)
      var current = result.imports
      while let status = current?.pointee {
        current = status.next
        guard status.result == 0, let fpr = status.fpr else { continue }
        let fingerprint = Fingerprint(String(cString: fpr))
        if status.status == 0 { outcome.unchanged.append(fingerprint) } else { outcome.imported.append(fingerprint) }
      }
      outcome.imported = Array(Set(outcome.imported)).sorted()
      outcome.unchanged = Array(Set(outcome.unchanged).subtracting(outcome.imported)).sorted()
      return outcome
    }
  }

  /// Keys in the keyring of the reporters or the team only (a listing in the key home shows
  /// its own keys and both role keyrings together).
  public func keys(in role: KeyRoles.Role, matching pattern: String? = nil) async throws(OpenPGPError) -> [KeyInfo] {
    precondition(role != .gateway, "the key home's own listing includes the role keyrings")
    return try await OpenPGPEngine(home: roles.path(of: role), passphrase: nil, hostExecutable: nil)
      .keys(matching: pattern, secret: false)
  }
}
