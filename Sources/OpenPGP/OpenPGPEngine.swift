import CGPGME
import Dispatch
import Foundation

/// The gateway's OpenPGP operations over one GnuPG key home, through GPGME.
///
/// Every call makes its own GPGME context on a worker thread (GPGME blocks while
/// gpg runs), so independent mails can be decrypted concurrently. Never parses
/// gpg's human-readable output: all verdicts come from GPGME's result structs.
public struct OpenPGPEngine: Sendable {
  public let home: String
  /// Loopback passphrase for the gateway key, if it has one. Never logged.
  let passphrase: String?
  /// The `meldpunt-gpgme` program that runs decrypt, verify and sign, or nil to run them
  /// in this process (key listings, imports and key generation always run here).
  public let hostExecutable: String?

  /// `meldpunt-gpgme` beside this program, if it is there (`MELDPUNT_GPGME_HOST` names
  /// another path, or `none`).
  public static var defaultHost: String? { GPGMEHosts.executable }

  public init(home: String, passphrase: String?, hostExecutable: String? = OpenPGPEngine.defaultHost) {
    self.home = home
    self.passphrase = passphrase.flatMap { $0.isEmpty ? nil : $0 }
    self.hostExecutable = hostExecutable
  }

  /// One operation in a GPGME host. A host that fails is replaced and the operation
  /// tried once more; a second failure is reported as a GPGME error.
  static func hosted(_ executable: String, home: String, _ op: String, passphrase: String?, fields: [[UInt8]] = [],
                     payload: [UInt8], limit: Int = .max) throws(OpenPGPError) -> GPGMEAnswer {
    let stamp = KeyHomeStamp(home: home).token
    var failure = GPGMEHost.Failure(detail: "")
    for _ in 0..<2 {
      do {
        return try GPGMEHosts.shared.with(home: home, executable: executable) { host throws(GPGMEHost.Failure) in
          try host.run(op, passphrase: passphrase, stamp: stamp, fields: fields, payload: payload, limit: limit)
        }
      } catch {
        // A host that cannot start is an installation problem for an admin, not a bad mail.
        if error.atStart { throw .engineUnavailable(error.detail) }
        failure = error
      }
    }
    throw .gpgme(function: "meldpunt-gpgme \(op)", code: 0, message: failure.detail)
  }

  /// The GPGME library version, or nil when GPGME cannot start.
  public static var libraryVersion: String? { GPGContext.version }

  /// Decrypts one OpenPGP message and checks any signature inside it. Armor is read here, not
  /// by gpg (`OpenPGPPackets.dearmored`).
  ///
  /// Throws `.decryptionFailed` for any problem with the message; in that case
  /// whatever plaintext gpg had already written is wiped and dropped, never returned.
  /// `limit` bounds the plaintext (decompression bombs): more is `.plaintextTooLarge`.
  public func decrypt(_ ciphertext: [UInt8], limit: Int = 64 * 1024 * 1024) async throws(OpenPGPError) -> Decryption {
    let (home, passphrase) = (self.home, self.passphrase)
    let ciphertext = OpenPGPPackets.dearmored(ciphertext, labels: ["MESSAGE"]) ?? ciphertext
    if let executable = hostExecutable {
      return try await Self.blocking { () throws(OpenPGPError) -> Decryption in
        var answer = try Self.hosted(executable, home: home, "decrypt", passphrase: passphrase, fields: [Array(String(limit).utf8)],
                                     payload: ciphertext, limit: limit)
        guard answer.error == 0, !answer.noMDC, !answer.exceeded else {
          answer.discardOutput()
          if answer.exceeded { throw .plaintextTooLarge(limit: limit) }
          throw Self.classifyDecryptionError(answer.error, recipients: answer.recipients, noMDC: answer.noMDC)
        }
        // Signers' keys are looked up here, in the listings this process remembers.
        let ctx = try GPGContext(home: home, passphrase: passphrase)
        return Decryption(plaintext: answer.output, signatures: ctx.signatureChecks(answer.signatures), isMIME: answer.isMIME,
                          fileName: answer.fileName, symmetricAlgorithm: answer.symmetricAlgorithm)
      }
    }
    return try await Self.blocking { () throws(OpenPGPError) -> Decryption in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      let input = try GPGInput(ciphertext)
      let output = try BoundedOutput(limit: limit, expected: ciphertext.count)
      let error = gpgme_op_decrypt_verify(ctx.handle, input.handle, output.handle)
      let result = gpgme_op_decrypt_result(ctx.handle)?.pointee
      let noMDC = result.map { $0.legacy_cipher_nomdc != 0 } ?? false
      guard error == 0, !noMDC, !output.exceeded else {
        output.discard()
        if output.exceeded { throw .plaintextTooLarge(limit: limit) }
        throw Self.classifyDecryptionError(error, recipients: Self.recipientStatuses(result), noMDC: noMDC)
      }
      let plaintext = output.take()
      // Copy the decrypt result before the signer lookups start new operations on ctx.
      let isMIME = result.map { $0.is_mime != 0 } ?? false
      let fileName = result?.file_name.map { String(cString: $0) }
      let symmetric = result?.symkey_algo.map { String(cString: $0) }
      return Decryption(plaintext: plaintext, signatures: ctx.signatureChecks(), isMIME: isMIME, fileName: fileName,
                        symmetricAlgorithm: symmetric)
    }
  }

  /// Checks a detached signature (RFC 3156 `multipart/signed`) over `signedBytes`.
  public func verifyDetached(signedBytes: [UInt8], signature: [UInt8]) async throws(OpenPGPError) -> [SignatureCheck] {
    let (home, passphrase) = (self.home, self.passphrase)
    let signature = OpenPGPPackets.dearmored(signature, labels: ["SIGNATURE"]) ?? signature
    if let executable = hostExecutable {
      return try await Self.blocking { () throws(OpenPGPError) -> [SignatureCheck] in
        let answer = try Self.hosted(executable, home: home, "verify-detached", passphrase: passphrase, fields: [signature],
                                     payload: signedBytes)
        if answer.error != 0 && mp_gpgme_err_code(answer.error) != GPG_ERR_NO_DATA {
          try GPGContext.check(answer.error, "gpgme_op_verify")
        }
        return try GPGContext(home: home, passphrase: passphrase).signatureChecks(answer.signatures)
      }
    }
    return try await Self.blocking { () throws(OpenPGPError) -> [SignatureCheck] in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      let sig = try GPGInput(signature)
      let text = try GPGInput(signedBytes)
      let error = gpgme_op_verify(ctx.handle, sig.handle, text.handle, nil)
      if error != 0 && mp_gpgme_err_code(error) != GPG_ERR_NO_DATA {
        try GPGContext.check(error, "gpgme_op_verify")
      }
      return ctx.signatureChecks()
    }
  }

  /// Checks an inline signature (cleartext-signed or a signed OpenPGP message) and
  /// returns the signed text as gpg recovered it.
  public func verifyInline(_ message: [UInt8]) async throws(OpenPGPError) -> (plaintext: [UInt8], signatures: [SignatureCheck]) {
    let (home, passphrase) = (self.home, self.passphrase)
    // A cleartext-signed text stays as it is (its text is not base64); a signed message is read as binary.
    let message = OpenPGPPackets.dearmored(message, labels: ["MESSAGE"]) ?? message
    if let executable = hostExecutable {
      return try await Self.blocking { () throws(OpenPGPError) -> ([UInt8], [SignatureCheck]) in
        var answer = try Self.hosted(executable, home: home, "verify-inline", passphrase: passphrase, payload: message)
        if answer.error != 0 {
          answer.discardOutput()
          if mp_gpgme_err_code(answer.error) == GPG_ERR_NO_DATA { return ([], []) }
          try GPGContext.check(answer.error, "gpgme_op_verify")
        }
        return (answer.output, try GPGContext(home: home, passphrase: passphrase).signatureChecks(answer.signatures))
      }
    }
    return try await Self.blocking { () throws(OpenPGPError) -> ([UInt8], [SignatureCheck]) in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      let sig = try GPGData(message)
      let output = try GPGData()
      let error = gpgme_op_verify(ctx.handle, sig.handle, nil, output.handle)
      if error != 0 {
        output.discard()
        if mp_gpgme_err_code(error) == GPG_ERR_NO_DATA { return ([], []) }
        try GPGContext.check(error, "gpgme_op_verify")
      }
      return (output.take(), ctx.signatureChecks())
    }
  }

  /// Makes an armored detached signature over `data` with `signer` (a fingerprint in the key home).
  public func signDetached(_ data: [UInt8], signer: String) async throws(OpenPGPError) -> DetachedSignature {
    let (home, passphrase, host) = (self.home, self.passphrase, hostExecutable)
    return try await Self.blocking { () throws(OpenPGPError) -> DetachedSignature in
      let made = try Self.sign(data, signer: signer, mode: GPGME_SIG_MODE_DETACH, home: home, passphrase: passphrase, host: host)
      return DetachedSignature(armored: made.output, micalg: "pgp-" + made.hash.lowercased(), signer: made.signer)
    }
  }

  /// One signing operation in `mode` (detached or cleartext), armored: the output, the
  /// hash algorithm's name and the signing key.
  static func sign(_ data: [UInt8], signer: String, mode: gpgme_sig_mode_t, home: String, passphrase: String?,
                   host: String?) throws(OpenPGPError) -> (output: [UInt8], hash: String, signer: Fingerprint) {
    if let host {
      // The host takes the signing key by fingerprint; a name or address is resolved here first.
      let key = try GPGContext(home: home, passphrase: passphrase).key(signer, secret: true)
      guard let key else { throw .signingKeyUnusable(signer) }
      let answer = try hosted(host, home: home, "sign", passphrase: passphrase,
                              fields: [Array(key.fingerprint.utf8), Array((mode == GPGME_SIG_MODE_CLEAR ? "clear" : "detach").utf8)],
                              payload: data)
      try checkSigning(answer.error, signer: signer, "gpgme_op_sign")
      guard let hash = answer.signingHash else { throw .signingKeyUnusable(signer) }
      return (answer.output, hash, Fingerprint(answer.signingKey ?? key.fingerprint))
    }
    let ctx = try GPGContext(home: home, passphrase: passphrase)
    guard let key = ctx.rawKey(signer, secret: true) else { throw .signingKeyUnusable(signer) }
    defer { gpgme_key_unref(key) }
    gpgme_signers_clear(ctx.handle)
    try GPGContext.check(gpgme_signers_add(ctx.handle, key), "gpgme_signers_add")
    gpgme_set_armor(ctx.handle, 1)
    gpgme_set_textmode(ctx.handle, 0)
    let input = try GPGData(data)
    let output = try GPGData()
    let error = gpgme_op_sign(ctx.handle, input.handle, output.handle, mode)
    if error != 0 {
      output.discard()
      try checkSigning(error, signer: signer, "gpgme_op_sign")
    }
    guard let made = gpgme_op_sign_result(ctx.handle)?.pointee.signatures?.pointee else {
      throw .signingKeyUnusable(signer)
    }
    let hash = gpgme_hash_algo_name(made.hash_algo).map { String(cString: $0) } ?? "SHA256"
    return (output.take(), hash, Fingerprint(made.fpr.map { String(cString: $0) } ?? signer))
  }

  /// Encrypts `data` to `recipients` (fingerprints in the key home) and signs it with
  /// `signer`, in one armored OpenPGP message (RFC 3156 §6.2). Recipient keys are used
  /// as they are (always-trust): the caller decides which key belongs to whom.
  public func encryptAndSign(_ data: [UInt8], to recipients: [String], signer: String) async throws(OpenPGPError) -> [UInt8] {
    let (home, passphrase) = (self.home, self.passphrase)
    if let executable = hostExecutable {
      return try await Self.blocking { () throws(OpenPGPError) -> [UInt8] in
        // Keys are resolved here, as for an operation in this process; the host gets fingerprints.
        let ctx = try GPGContext(home: home, passphrase: passphrase)
        guard let signingKey = ctx.key(signer, secret: true) else { throw .signingKeyUnusable(signer) }
        var fingerprints: [String] = []
        for recipient in recipients {
          guard let key = ctx.key(recipient, secret: false) else {
            throw .gpgme(function: "gpgme_get_key", code: GPG_ERR_NO_PUBKEY.rawValue, message: "no public key \(recipient)")
          }
          fingerprints.append(key.fingerprint)
        }
        let answer = try Self.hosted(executable, home: home, "encrypt-sign", passphrase: passphrase,
                                     fields: [Array(signingKey.fingerprint.utf8), Array(fingerprints.joined(separator: "\n").utf8)],
                                     payload: data)
        try Self.checkSigning(answer.error, signer: signer, "gpgme_op_encrypt_sign")
        return answer.output
      }
    }
    return try await Self.blocking { () throws(OpenPGPError) -> [UInt8] in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      guard let signingKey = ctx.rawKey(signer, secret: true) else { throw .signingKeyUnusable(signer) }
      defer { gpgme_key_unref(signingKey) }
      gpgme_signers_clear(ctx.handle)
      try GPGContext.check(gpgme_signers_add(ctx.handle, signingKey), "gpgme_signers_add")
      var keys: [gpgme_key_t?] = []
      defer { for key in keys { if let key { gpgme_key_unref(key) } } }
      for recipient in recipients {
        let key = ctx.rawKey(recipient, secret: false)
        guard key != nil else {
          throw .gpgme(function: "gpgme_get_key", code: GPG_ERR_NO_PUBKEY.rawValue, message: "no public key \(recipient)")
        }
        keys.append(key)
      }
      keys.append(nil)
      gpgme_set_armor(ctx.handle, 1)
      let input = try GPGData(data)
      let output = try GPGData()
      let flags = gpgme_encrypt_flags_t(GPGME_ENCRYPT_ALWAYS_TRUST.rawValue)
      let error = keys.withUnsafeMutableBufferPointer { buffer in
        gpgme_op_encrypt_sign(ctx.handle, buffer.baseAddress, flags, input.handle, output.handle)
      }
      if error != 0 {
        output.discard()
        try GPGContext.check(error, "gpgme_op_encrypt_sign")
      }
      return output.take()
    }
  }

  /// Imports armored or binary keys; returns the fingerprints gpg reports as imported or unchanged.
  @discardableResult
  public func importKeys(_ data: [UInt8]) async throws(OpenPGPError) -> [Fingerprint] {
    let (home, passphrase) = (self.home, self.passphrase)
    return try await Self.blocking { () throws(OpenPGPError) -> [Fingerprint] in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      let input = try GPGData(data)
      defer { KeyListings.shared.forget(home: home) }
      try GPGContext.check(gpgme_op_import(ctx.handle, input.handle), "gpgme_op_import")
      var fingerprints: [Fingerprint] = []
      var current = gpgme_op_import_result(ctx.handle)?.pointee.imports
      while let status = current?.pointee {
        current = status.next
        if status.result == 0, let fpr = status.fpr { fingerprints.append(Fingerprint(String(cString: fpr))) }
      }
      return Array(Set(fingerprints)).sorted()
    }
  }

  /// Keys in the key home matching `pattern` (all when nil).
  public func keys(matching pattern: String? = nil, secret: Bool = false) async throws(OpenPGPError) -> [KeyInfo] {
    let (home, passphrase) = (self.home, self.passphrase)
    return try await Self.blocking { () throws(OpenPGPError) -> [KeyInfo] in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      return try ctx.keys(pattern: pattern, secret: secret).map { key in
        let primary = key.subkeys.first
        return KeyInfo(
          fingerprint: Fingerprint(key.fingerprint),
          userIDs: key.userIDs.map(\.uid),
          emails: key.userIDs.filter { !$0.revoked && !$0.invalid }.map(\.email).filter { !$0.isEmpty },
          hasSecret: key.hasSecret || secret,
          canSign: key.subkeys.contains { $0.canSign && !$0.revoked && !$0.expired },
          canEncrypt: key.subkeys.contains { $0.canEncrypt && !$0.revoked && !$0.expired },
          expiresAt: primary?.expires, revoked: key.revoked, expired: key.expired, createdAt: primary?.created,
          bits: primary?.bits ?? 0, subkeyFingerprints: key.subkeys.map { Fingerprint($0.fingerprint) })
      }
    }
  }

  /// The error of an operation that signs: a missing or unusable secret key is the
  /// signing key's problem (for an admin), anything else GPGME's.
  static func checkSigning(_ error: gpgme_error_t, signer: String, _ function: String) throws(OpenPGPError) {
    guard error != 0 else { return }
    let code = mp_gpgme_err_code(error)
    if code == GPG_ERR_UNUSABLE_SECKEY || code == GPG_ERR_NO_SECKEY { throw .signingKeyUnusable(signer) }
    try GPGContext.check(error, function)
  }

  /// Each recipient's status in a decrypt result.
  static func recipientStatuses(_ result: _gpgme_op_decrypt_result?) -> [gpgme_error_t] {
    var recipients: [gpgme_error_t] = []
    var current = result?.recipients
    while let recipient = current?.pointee {
      current = recipient.next
      recipients.append(recipient.status)
    }
    return recipients
  }

  static func classifyDecryptionError(_ error: gpgme_error_t, recipients: [gpgme_error_t], noMDC: Bool) -> OpenPGPError {
    if noMDC { return .decryptionFailed(.noIntegrityProtection) }
    let code = mp_gpgme_err_code(error)
    if code == GPG_ERR_BAD_PASSPHRASE || code == GPG_ERR_CANCELED { return .passphraseRejected }
    if code == GPG_ERR_NO_SECKEY { return .decryptionFailed(.noSecretKey) }
    // A recipient we hold the key for yielded the session key: whatever failed after
    // that (MDC/AEAD check, or the damaged data it let through) is an integrity failure.
    if recipients.contains(0) { return .decryptionFailed(.integrityFailure) }
    if code == GPG_ERR_NO_DATA || recipients.isEmpty { return .decryptionFailed(.corrupt) }
    if recipients.allSatisfy({ mp_gpgme_err_code($0) == GPG_ERR_NO_SECKEY }) { return .decryptionFailed(.noSecretKey) }
    return .decryptionFailed(.corrupt)
  }

  /// Runs a blocking GPGME call on a worker thread (GPGME waits on the gpg process).
  static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(OpenPGPError) -> T) async throws(OpenPGPError) -> T {
    let result: Result<T, OpenPGPError> = await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        do throws(OpenPGPError) { continuation.resume(returning: .success(try body())) }
        catch { continuation.resume(returning: .failure(error)) }
      }
    }
    return try result.get()
  }
}
