import CGPGME
import Foundation

/// One GPGME context bound to a key home: created per operation, freed in `deinit`.
///
/// GPGME contexts must not be shared between threads; an `OpenPGPEngine` makes a
/// fresh one on the thread that runs each operation.
/// See https://www.gnupg.org/documentation/manuals/gpgme/Contexts.html
final class GPGContext {
  let handle: gpgme_ctx_t
  let home: String
  /// Keeps the passphrase alive while GPGME may call back for it.
  private let passphraseBox: PassphraseBox?

  static let version: String? = {
    guard let text = mp_gpgme_check_version() else { return nil }
    _ = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP)
    return String(cString: text)
  }()

  init(home: String, passphrase: String?) throws(OpenPGPError) {
    guard Self.version != nil else { throw .engineUnavailable("gpgme_check_version failed") }
    // Before gpgme_new: a context copies the process default when it is made.
    let usesDefaultHome = DefaultHome.adopt(home)
    var ctx: gpgme_ctx_t?
    try Self.check(gpgme_new(&ctx), "gpgme_new")
    guard let ctx else { throw .engineUnavailable("gpgme_new returned no context") }
    handle = ctx
    self.home = home
    passphraseBox = passphrase.map(PassphraseBox.init)
    do {
      try Self.check(gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP), "gpgme_set_protocol")
      // Setting the home per context makes GPGME run `gpg --version` every time; the
      // process default (set once, for the first home used) is inherited for free.
      if !usesDefaultHome {
        try Self.check(gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, nil, home), "gpgme_ctx_set_engine_info")
      }
      // Never reach out to key servers or WKD from inside a decryption.
      gpgme_set_offline(ctx, 1)
      if let passphraseBox {
        // Loopback: the passphrase comes from our callback, never from a pinentry window.
        try Self.check(gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK), "gpgme_set_pinentry_mode")
        gpgme_set_passphrase_cb(ctx, passphraseCallback, Unmanaged.passUnretained(passphraseBox).toOpaque())
      }
    } catch {
      gpgme_release(ctx)
      throw error
    }
  }

  deinit { gpgme_release(handle) }

  static func check(_ error: gpgme_error_t, _ function: String) throws(OpenPGPError) {
    guard error != 0 else { return }
    let code = mp_gpgme_err_code(error)
    if code == GPG_ERR_BAD_PASSPHRASE || code == GPG_ERR_CANCELED { throw .passphraseRejected }
    throw .gpgme(function: function, code: code.rawValue, message: Self.message(error))
  }

  static func message(_ error: gpgme_error_t) -> String {
    gpgme_strerror(error).map { String(cString: $0) } ?? "unknown error"
  }

  /// Looks a key up by fingerprint or key ID; `nil` when it is not in the key home.
  func key(_ id: String, secret: Bool) -> GPGKey? {
    rawKey(id, secret: secret).map(GPGKey.init)
  }

  /// A key as GPGME's own object (for signer and recipient lists). The caller owns the
  /// reference and must `gpgme_key_unref` it.
  func rawKey(_ id: String, secret: Bool) -> gpgme_key_t? {
    guard !id.isEmpty, let keys = listing(id, secret: secret) else { return nil }
    keys.dropFirst().forEach { gpgme_key_unref($0) }
    return keys.first
  }

  /// Makes gpg create the (empty) keybox of a fresh home: its first listing does.
  static func createKeybox(home: String) throws(OpenPGPError) {
    let ctx = try GPGContext(home: home, passphrase: nil)
    try check(gpgme_op_keylist_start(ctx.handle, nil, 0), "gpgme_op_keylist_start")
    _ = gpgme_op_keylist_end(ctx.handle)
  }

  /// Every key matching `pattern` (all keys when nil).
  func keys(pattern: String?, secret: Bool) throws(OpenPGPError) -> [GPGKey] {
    guard let keys = listing(pattern ?? "", secret: secret) else {
      throw .gpgme(function: "gpgme_op_keylist_start", code: 0, message: "gpg could not list the keys")
    }
    return keys.map(GPGKey.init)
  }

  /// The keys matching `pattern`, each with a reference the caller owns: remembered ones
  /// (`KeyListings`), or a listing on this context (gpgme_get_key would make a context
  /// of its own, and with it one more gpg process). A listing ends any result of an
  /// earlier operation on this context.
  private func listing(_ pattern: String, secret: Bool) -> [gpgme_key_t]? {
    KeyListings.shared.keys(home: home, pattern: pattern, secret: secret) { () -> [gpgme_key_t]? in
      guard gpgme_op_keylist_start(handle, pattern.isEmpty ? nil : pattern, secret ? 1 : 0) == 0 else { return nil }
      defer { _ = gpgme_op_keylist_end(handle) }
      var keys: [gpgme_key_t] = []
      while true {
        var key: gpgme_key_t?
        let error = gpgme_op_keylist_next(handle, &key)
        if let key { keys.append(key) }
        guard error == 0 else {
          // Anything but the normal end means gpg stopped early: not a listing to remember.
          if mp_gpgme_err_code(error) == GPG_ERR_EOF { return keys }
          keys.forEach { gpgme_key_unref($0) }
          return nil
        }
      }
    }
  }

  /// Copies the verification result into Swift values, resolving each signer's key.
  func signatureChecks() -> [SignatureCheck] {
    guard let result = gpgme_op_verify_result(handle) else { return [] }
    // Copy everything first: looking the keys up starts a new operation on this context,
    // which ends the verify result.
    var raw: [RawSignature] = []
    var current = result.pointee.signatures
    while let signature = current?.pointee {
      current = signature.next
      raw.append(RawSignature(signature))
    }
    return raw.map(check)
  }

  /// Signature checks for signatures a GPGME host verified, resolving each signer's key here.
  func signatureChecks(_ raw: [RawSignature]) -> [SignatureCheck] { raw.map(check) }

  /// The parts of a `gpgme_signature_t` a verdict needs, copied out.
  struct RawSignature {
    let fpr: String?
    let status: gpgme_error_t
    let summary: UInt32
    let hash: String
    let publicKeyAlgorithm: String
    let timestamp: UInt

    init(fpr: String?, status: gpgme_error_t, summary: UInt32, hash: String, publicKeyAlgorithm: String, timestamp: UInt) {
      self.fpr = fpr
      self.status = status
      self.summary = summary
      self.hash = hash
      self.publicKeyAlgorithm = publicKeyAlgorithm
      self.timestamp = timestamp
    }

    init(_ signature: _gpgme_signature) {
      fpr = signature.fpr.map { String(cString: $0) }
      status = signature.status
      summary = signature.summary.rawValue
      hash = gpgme_hash_algo_name(signature.hash_algo).map { String(cString: $0) } ?? "unknown"
      publicKeyAlgorithm = gpgme_pubkey_algo_name(signature.pubkey_algo).map { String(cString: $0) } ?? "unknown"
      timestamp = UInt(signature.timestamp)
    }
  }

  private func check(_ signature: RawSignature) -> SignatureCheck {
    let named = signature.fpr
    let key = named.flatMap { self.key($0, secret: false) }
    let code = mp_gpgme_err_code(signature.status)
    let summary = signature.summary
    var status: SignatureCheck.Status
    switch code {
    case GPG_ERR_NO_ERROR: status = .valid
    case GPG_ERR_BAD_SIGNATURE: status = .bad
    case GPG_ERR_NO_PUBKEY: status = .unknownKey
    case GPG_ERR_KEY_EXPIRED: status = .expiredKey
    case GPG_ERR_CERT_REVOKED: status = .revokedKey
    case GPG_ERR_SIG_EXPIRED: status = .expiredSignature
    default: status = .error
    }
    // gpg reports some problems only in the summary bits.
    if status == .valid {
      if summary & GPGME_SIGSUM_KEY_REVOKED.rawValue != 0 { status = .revokedKey }
      else if summary & GPGME_SIGSUM_KEY_EXPIRED.rawValue != 0 { status = .expiredKey }
      else if summary & GPGME_SIGSUM_SIG_EXPIRED.rawValue != 0 { status = .expiredSignature }
      else if summary & GPGME_SIGSUM_RED.rawValue != 0 { status = .bad }
    }
    let bits = key?.subkeys.first(where: { sub in named.map { Fingerprint(sub.fingerprint).matches(Fingerprint($0)) } ?? false })?.bits ?? 0
    return SignatureCheck(
      status: status,
      fingerprint: key.map { Fingerprint($0.fingerprint) } ?? named.map(Fingerprint.init),
      userIDs: key?.userIDs.map(\.uid) ?? [],
      emails: key?.userIDs.filter { !$0.revoked && !$0.invalid }.map(\.email).filter { !$0.isEmpty } ?? [],
      hashAlgorithm: signature.hash,
      publicKeyAlgorithm: signature.publicKeyAlgorithm,
      keyBits: bits,
      createdAt: signature.timestamp > 0 ? Date(timeIntervalSince1970: TimeInterval(signature.timestamp)) : nil)
  }
}

/// The key home GPGME uses by default in this process: the first one asked for.
///
/// `@unchecked Sendable` is safe: `home` is only read or written under `lock`, and
/// the default is set (gpgme_set_engine_info) under the same lock, before any
/// context that relies on it is created.
final class DefaultHome: @unchecked Sendable {
  private static let shared = DefaultHome()
  private let lock = NSLock()
  private var home: String?

  /// Whether contexts for `home` can use the process default (making it the default if none is set yet).
  static func adopt(_ home: String) -> Bool {
    shared.lock.withLock {
      if let current = shared.home { return current == home }
      guard gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, nil, home) == 0 else { return false }
      shared.home = home
      return true
    }
  }
}

/// Owns one passphrase for GPGME's callback; its address is the callback's hook.
final class PassphraseBox {
  let bytes: [UInt8]
  init(_ passphrase: String) { bytes = Array(passphrase.utf8) + [0x0A] }
}

/// GPGME asks for the passphrase on `fd`. Answer once; if gpg says the previous
/// answer was bad, cancel rather than loop.
private let passphraseCallback: gpgme_passphrase_cb_t = { hook, _, _, previousWasBad, fd in
  guard let hook else { return gpgme_error_t(GPG_ERR_CANCELED.rawValue) }
  if previousWasBad != 0 { return mp_gpgme_error(GPG_ERR_BAD_PASSPHRASE) }
  let box = Unmanaged<PassphraseBox>.fromOpaque(hook).takeUnretainedValue()
  let written = box.bytes.withUnsafeBytes { gpgme_io_writen(fd, $0.baseAddress, $0.count) }
  return written == 0 ? 0 : mp_gpgme_error(GPG_ERR_CANCELED)
}

/// A key copied out of a `gpgme_key_t` (which is released right away).
struct GPGKey {
  struct UserID { let uid: String; let email: String; let revoked: Bool; let invalid: Bool }
  struct Subkey { let fingerprint: String; let bits: Int; let canSign: Bool; let canEncrypt: Bool; let expires: Date?; let revoked: Bool; let expired: Bool; let created: Date? }
  let fingerprint: String
  let userIDs: [UserID]
  let subkeys: [Subkey]
  let hasSecret: Bool
  let revoked: Bool
  let expired: Bool

  init(_ key: gpgme_key_t) {
    defer { gpgme_key_unref(key) }
    let k = key.pointee
    var uids: [UserID] = []
    var uid = k.uids
    while let u = uid?.pointee {
      uid = u.next
      uids.append(UserID(uid: u.uid.map { String(cString: $0) } ?? "", email: u.email.map { String(cString: $0) } ?? "",
                         revoked: u.revoked != 0, invalid: u.invalid != 0))
    }
    var subs: [Subkey] = []
    var sub = k.subkeys
    while let s = sub?.pointee {
      sub = s.next
      subs.append(Subkey(fingerprint: s.fpr.map { String(cString: $0) } ?? "", bits: Int(s.length),
                         canSign: s.can_sign != 0, canEncrypt: s.can_encrypt != 0,
                         expires: s.expires > 0 ? Date(timeIntervalSince1970: TimeInterval(s.expires)) : nil,
                         revoked: s.revoked != 0, expired: s.expired != 0,
                         created: s.timestamp > 0 ? Date(timeIntervalSince1970: TimeInterval(s.timestamp)) : nil))
    }
    fingerprint = k.fpr.map { String(cString: $0) } ?? subs.first?.fingerprint ?? ""
    userIDs = uids
    subkeys = subs
    hasSecret = k.secret != 0
    revoked = k.revoked != 0
    expired = k.expired != 0
  }
}
