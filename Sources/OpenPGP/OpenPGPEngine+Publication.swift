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
      try Self.sign(text, signer: signer, mode: GPGME_SIG_MODE_CLEAR, home: home, passphrase: passphrase, host: nil).output
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
