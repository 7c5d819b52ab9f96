/// Why a message could not be decrypted. The same reasons are stored with the
/// quarantined mail; none of them carries message content.
public enum DecryptionFailure: String, Sendable, Codable, Equatable, CaseIterable {
  /// Not encrypted to any key in the gateway's key home.
  case noSecretKey
  /// Legacy ciphertext without a modification detection code (EFAIL class): refused.
  case noIntegrityProtection
  /// The ciphertext was altered after encryption (MDC/AEAD check failed).
  case integrityFailure
  /// Not a well-formed OpenPGP encrypted message.
  case corrupt
}

/// Errors of the OpenPGP stage. Messages say what to check; they never contain
/// plaintext, subjects or passphrases.
public enum OpenPGPError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The message could not be decrypted; it belongs in quarantine.
  case decryptionFailed(DecryptionFailure)
  /// The gateway key's passphrase was refused or missing: an admin must fix `gnupg.passphraseFile`.
  case passphraseRejected
  /// The configured signing key is not in the key home or cannot sign.
  case signingKeyUnusable(String)
  /// GPGME reported an error in `function`.
  case gpgme(function: String, code: UInt32, message: String)
  /// The decrypted (decompressed) message is larger than allowed: a possible compression bomb.
  case plaintextTooLarge(limit: Int)
  /// GPGME or gpg is not installed or too old.
  case engineUnavailable(String)
  /// The key home or a role keyring beside it cannot be set up (the sentence says what to do).
  case keyHome(String)
  /// Key material offered from outside holds a secret key: nothing of it was imported.
  case secretKeyMaterial

  public var description: String {
    switch self {
    case .decryptionFailed(let reason): return "The message could not be decrypted (\(reason.rawValue))."
    case .passphraseRejected:
      return "gpg refused the gateway key's passphrase; check the file named by `gnupg.passphraseFile`."
    case .signingKeyUnusable(let key):
      return "The gateway signing key \(key) is missing from the key home or cannot sign; check `gnupg.home` and `gateway.signingKey` (see `meldpunt keys list`)."
    case .gpgme(let function, let code, let message):
      return "GPGME \(function) failed: \(message) (code \(code))."
    case .plaintextTooLarge(let limit):
      return "The decrypted message is larger than \(limit) bytes (`limits.maxDecryptedBytes`); it was not used."
    case .engineUnavailable(let detail):
      return "GnuPG is not usable: \(detail). Install the gnupg and libgpgme11 packages."
    case .keyHome(let detail):
      return detail
    case .secretKeyMaterial:
      return "The offered key material contains a secret key; nothing of it was imported (keys from outside may only be public keys)."
    }
  }
}
