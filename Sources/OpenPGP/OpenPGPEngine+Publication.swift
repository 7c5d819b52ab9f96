import CGPGME

/// The two operations publishing needs: a cleartext signature (for a signed
/// security.txt, RFC 9116 §2.3) and an export of the gateway's public key (for
/// `pgp-key.asc` and the Web Key Directory).
extension OpenPGPEngine {
  /// Makes an OpenPGP cleartext signature (RFC 9580 §7) over `text` with `signer`
  /// (a fingerprint in the key home): the text stays readable, dash-escaped where
  /// needed, followed by an armored signature.
  ///
  /// gpg removes trailing spaces from each line before it hashes, so pass text
  /// without them if the signed copy must equal the input.
  /// See https://www.gnupg.org/documentation/manuals/gpgme/Creating-a-Signature.html
  public func signClear(_ text: [UInt8], signer: String) async throws(OpenPGPError) -> [UInt8] {
    let (home, passphrase) = (self.home, self.passphrase)
    return try await Self.blocking { () throws(OpenPGPError) -> [UInt8] in
      let ctx = try GPGContext(home: home, passphrase: passphrase)
      guard let key = ctx.rawKey(signer, secret: true) else { throw .signingKeyUnusable(signer) }
      defer { gpgme_key_unref(key) }
      gpgme_signers_clear(ctx.handle)
      try GPGContext.check(gpgme_signers_add(ctx.handle, key), "gpgme_signers_add")
      gpgme_set_armor(ctx.handle, 1)
      let input = try GPGData(text)
      let output = try GPGData()
      let error = gpgme_op_sign(ctx.handle, input.handle, output.handle, GPGME_SIG_MODE_CLEAR)
      if error != 0 {
        output.discard()
        let code = mp_gpgme_err_code(error)
        if code == GPG_ERR_UNUSABLE_SECKEY || code == GPG_ERR_NO_SECKEY { throw .signingKeyUnusable(signer) }
        try GPGContext.check(error, "gpgme_op_sign")
      }
      guard gpgme_op_sign_result(ctx.handle)?.pointee.signatures != nil else { throw .signingKeyUnusable(signer) }
      return output.take()
    }
  }

  /// Exports the public key `fingerprint` (with all its subkeys and user IDs), armored
  /// or as binary packets. Never exports secret key material: GPGME does that only
  /// with `GPGME_EXPORT_MODE_SECRET`, which this never sets.
  ///
  /// `minimal` drops every signature but the most recent self-signatures, as
  /// `gpg --export-options export-minimal` does: what a Web Key Directory should serve.
  /// Throws `.gpgme(function: "gpgme_op_export", …)` when the key home has no such key.
  /// See https://www.gnupg.org/documentation/manuals/gpgme/Exporting-Keys.html
  public func exportPublicKey(_ fingerprint: String, armored: Bool, minimal: Bool = false) async throws(OpenPGPError) -> [UInt8] {
    let home = self.home
    return try await Self.blocking { () throws(OpenPGPError) -> [UInt8] in
      // A public key needs no passphrase.
      let ctx = try GPGContext(home: home, passphrase: nil)
      gpgme_set_armor(ctx.handle, armored ? 1 : 0)
      let output = try GPGData()
      let mode = minimal ? gpgme_export_mode_t(GPGME_EXPORT_MODE_MINIMAL) : 0
      try GPGContext.check(gpgme_op_export(ctx.handle, fingerprint, mode, output.handle), "gpgme_op_export")
      let exported = output.take()
      // gpg exports nothing, without an error, when no key matches.
      guard !exported.isEmpty else {
        throw .gpgme(function: "gpgme_op_export", code: GPG_ERR_NO_PUBKEY.rawValue, message: "no public key \(fingerprint) in the key home")
      }
      return exported
    }
  }
}
