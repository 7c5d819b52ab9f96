/// What the gateway can truthfully say about how a message was protected.
///
/// Built by the Gateway from GPGME's results, stored with the case, shown by
/// `cases show` and `inspect`. A message is never called encrypted or signed
/// beyond the parts that truly were.
public struct Verdict: Sendable, Equatable {
  public var encryption: EncryptionVerdict
  public var signature: SignatureVerdict
  public var flags: Set<VerdictFlag>
  /// Per MIME part: what covered it.
  public var parts: [PartVerdict]
  /// Other signatures found besides the one that counts.
  public var otherSignatures: [SignerSummary]

  public init(encryption: EncryptionVerdict, signature: SignatureVerdict, flags: Set<VerdictFlag> = [],
              parts: [PartVerdict] = [], otherSignatures: [SignerSummary] = []) {
    self.encryption = encryption
    self.signature = signature
    self.flags = flags
    self.parts = parts
    self.otherSignatures = otherSignatures
  }
}

extension Verdict {
  /// Whether the mail's valid signature speaks for its sender: by a key whose user ID carries
  /// the From address and that is not another key than the one pinned to that address. Only
  /// then is a key pinned, a keyword applied, or the signer named to the sender (issue 18).
  public var speaksForSender: Bool {
    guard case .valid(_, _, true) = signature else { return false }
    return !flags.contains(.signerNotPinnedKey) && !flags.contains(.signerDiffersFromSender)
  }

  /// Whether a reply may say what the gateway made of the report (signer, scope, dates that
  /// depend on its severity): the sender is its verified author, or nothing in it was
  /// encrypted or validly signed, so it holds nothing the sender could not have read.
  public var mayTellSender: Bool {
    if speaksForSender { return true }
    if case .valid = signature { return false }
    if case .none = encryption { return true }
    return false
  }
}

/// Why an encrypted message could not be read.
public enum DecryptionFailureReason: String, Sendable, Codable, Equatable, CaseIterable {
  case noSecretKey, noIntegrityProtection, integrityFailure, corrupt
}

public enum EncryptionVerdict: Sendable, Equatable {
  /// Everything that carries report content was inside the encryption.
  case full
  /// Only these MIME parts (paths) were encrypted; the rest came in the clear.
  case partial(encryptedParts: [String])
  case none
  case failed(DecryptionFailureReason)

  public var name: String {
    switch self {
    case .full: return "full"
    case .partial: return "partial"
    case .none: return "none"
    case .failed: return "failed"
    }
  }
}

/// The signer as far as the key home knows it.
public struct SignerSummary: Sendable, Equatable, Codable {
  public var fingerprint: String
  public var userID: String?
  public var status: String
  public init(fingerprint: String, userID: String?, status: String) {
    self.fingerprint = fingerprint
    self.userID = userID
    self.status = status
  }
}

public enum SignatureVerdict: Sendable, Equatable {
  /// Good signature; `matchesFrom` tells whether the signer's user ID carries the From address.
  case valid(fingerprint: String, userID: String?, matchesFrom: Bool)
  case bad(fingerprint: String?)
  case unknownKey(keyID: String)
  case expiredKey(fingerprint: String)
  case revokedKey(fingerprint: String)
  case none

  public var name: String {
    switch self {
    case .valid: return "valid"
    case .bad: return "bad"
    case .unknownKey: return "unknownKey"
    case .expiredKey: return "expiredKey"
    case .revokedKey: return "revokedKey"
    case .none: return "none"
    }
  }

  public var fingerprint: String? {
    switch self {
    case .valid(let fpr, _, _), .expiredKey(let fpr), .revokedKey(let fpr): return fpr
    case .bad(let fpr): return fpr
    case .unknownKey(let keyID): return keyID
    case .none: return nil
    }
  }

  public var userID: String? {
    if case .valid(_, let uid, _) = self { return uid }
    return nil
  }

  public var matchesFrom: Bool? {
    if case .valid(_, _, let matches) = self { return matches }
    return nil
  }
}

/// Warnings that qualify a verdict (issue 4 lists what each means).
public enum VerdictFlag: String, Sendable, Codable, CaseIterable, Comparable {
  case unsignedTextOutsideSignedPart
  case unencryptedTextOutsideEncryptedPart
  case signerDiffersFromSender
  case signedPartHiddenOrNotReport
  case fakeEncryption
  case attachedKeyImported
  case weakAlgorithm
  case repairedMangledMIME
  case plaintextReport
  /// The mail carried secret key material: none of its keys was imported (issue 18).
  case secretKeyAttached
  /// Signed with a valid signature by a key for the From address, but the gateway holds
  /// another key for that address (pinned): the signer is not the known key.
  case signerNotPinnedKey
  /// The From address looks like another one (mixed scripts, confusable characters, Unicode
  /// where the known address is ASCII).
  case lookalikeAddress

  public static func < (a: VerdictFlag, b: VerdictFlag) -> Bool { a.rawValue < b.rawValue }
}

/// How one MIME part was protected.
public struct PartVerdict: Sendable, Equatable, Codable {
  public var path: String
  public var contentType: String
  public var encrypted: Bool
  public var signed: Bool
  public init(path: String, contentType: String, encrypted: Bool, signed: Bool) {
    self.path = path
    self.contentType = contentType
    self.encrypted = encrypted
    self.signed = signed
  }
}

extension Verdict: Codable {
  /// The flat JSON shape scripts read (`cases show --json`, `inspect --json`).
  enum CodingKeys: String, CodingKey {
    case encryption, encryptionFailure, encryptedParts, signature, signerFingerprint, signerUserID
    case signerMatchesFrom, flags, parts, otherSignatures
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(encryption.name, forKey: .encryption)
    if case .failed(let reason) = encryption { try c.encode(reason, forKey: .encryptionFailure) }
    else { try c.encodeNil(forKey: .encryptionFailure) }
    if case .partial(let paths) = encryption { try c.encode(paths, forKey: .encryptedParts) }
    try c.encode(signature.name, forKey: .signature)
    try c.encode(signature.fingerprint, forKey: .signerFingerprint)
    try c.encode(signature.userID, forKey: .signerUserID)
    try c.encode(signature.matchesFrom, forKey: .signerMatchesFrom)
    try c.encode(flags.sorted(), forKey: .flags)
    try c.encode(parts, forKey: .parts)
    try c.encode(otherSignatures, forKey: .otherSignatures)
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    switch try c.decode(String.self, forKey: .encryption) {
    case "full": encryption = .full
    case "partial": encryption = .partial(encryptedParts: try c.decodeIfPresent([String].self, forKey: .encryptedParts) ?? [])
    case "failed": encryption = .failed(try c.decodeIfPresent(DecryptionFailureReason.self, forKey: .encryptionFailure) ?? .corrupt)
    default: encryption = .none
    }
    let fpr = try c.decodeIfPresent(String.self, forKey: .signerFingerprint)
    switch try c.decode(String.self, forKey: .signature) {
    case "valid":
      signature = .valid(fingerprint: fpr ?? "", userID: try c.decodeIfPresent(String.self, forKey: .signerUserID),
                         matchesFrom: try c.decodeIfPresent(Bool.self, forKey: .signerMatchesFrom) ?? false)
    case "bad": signature = .bad(fingerprint: fpr)
    case "unknownKey": signature = .unknownKey(keyID: fpr ?? "")
    case "expiredKey": signature = .expiredKey(fingerprint: fpr ?? "")
    case "revokedKey": signature = .revokedKey(fingerprint: fpr ?? "")
    default: signature = .none
    }
    flags = Set(try c.decodeIfPresent([VerdictFlag].self, forKey: .flags) ?? [])
    parts = try c.decodeIfPresent([PartVerdict].self, forKey: .parts) ?? []
    otherSignatures = try c.decodeIfPresent([SignerSummary].self, forKey: .otherSignatures) ?? []
  }
}
