import Foundation

/// The outcome of checking one OpenPGP signature, copied out of GPGME's
/// `gpgme_signature_t` (https://www.gnupg.org/documentation/manuals/gpgme/Verify.html).
public struct SignatureCheck: Sendable, Equatable, Codable {
  public enum Status: String, Sendable, Codable, Equatable {
    /// Cryptographically good, by a key that is neither expired nor revoked.
    case valid
    /// The signature does not match the data.
    case bad
    /// The signing key is not in the key home.
    case unknownKey
    case expiredKey
    case revokedKey
    case expiredSignature
    /// Any other failure (unsupported algorithm, malformed signature packet).
    case error
  }

  public var status: Status
  /// The primary key's fingerprint when the key is known, else what the signature names.
  public var fingerprint: Fingerprint?
  /// The key's user IDs (only when the key is known), and their e-mail addresses.
  public var userIDs: [String]
  public var emails: [String]
  public var hashAlgorithm: String
  public var publicKeyAlgorithm: String
  public var keyBits: Int
  public var createdAt: Date?

  public init(status: Status, fingerprint: Fingerprint?, userIDs: [String] = [], emails: [String] = [],
              hashAlgorithm: String = "", publicKeyAlgorithm: String = "", keyBits: Int = 0, createdAt: Date? = nil) {
    self.status = status
    self.fingerprint = fingerprint
    self.userIDs = userIDs
    self.emails = emails
    self.hashAlgorithm = hashAlgorithm
    self.publicKeyAlgorithm = publicKeyAlgorithm
    self.keyBits = keyBits
    self.createdAt = createdAt
  }

  /// Whether one of the key's user IDs carries `address` (case-insensitive).
  public func hasAddress(_ address: String) -> Bool {
    emails.contains { $0.caseInsensitiveCompare(address) == .orderedSame }
  }
}

/// A successful decryption. Only ever built when GPGME reported no error at all,
/// so the plaintext is complete and integrity-protected.
public struct Decryption: Sendable {
  public let plaintext: [UInt8]
  /// Signatures found inside the encrypted message (signed-and-encrypted in one).
  public let signatures: [SignatureCheck]
  /// The sender's client marked the plaintext as a MIME entity.
  public let isMIME: Bool
  /// The file name stored in the literal data packet, if any (never trusted as a path).
  public let fileName: String?
  /// "AES256.OCB", "AES256.CFB" …
  public let symmetricAlgorithm: String?
}

/// A detached signature made by the gateway key.
public struct DetachedSignature: Sendable {
  /// ASCII-armored signature packet.
  public let armored: [UInt8]
  /// The RFC 3156 `micalg` value for the hash used, e.g. `pgp-sha256`.
  public let micalg: String
  public let signer: Fingerprint
}

/// A key in the key home, as `keys list` shows it.
public struct KeyInfo: Sendable, Equatable {
  public let fingerprint: Fingerprint
  public let userIDs: [String]
  public let emails: [String]
  public let hasSecret: Bool
  public let canSign: Bool
  public let canEncrypt: Bool
  public let expiresAt: Date?
  public let revoked: Bool
  public let expired: Bool
  public let createdAt: Date?
  /// Key length of the primary key in bits, and its algorithm name.
  public let bits: Int
  /// Every subkey's fingerprint (the primary's first): what a key offered from outside
  /// must not share with the gateway's or the team's keys.
  public var subkeyFingerprints: [Fingerprint] = []
}
