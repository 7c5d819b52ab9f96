import OpenPGP

/// Why the public files (security.txt, the key, the Web Key Directory, the policy
/// pages) could not be made or written. Each says what an admin should change.
public enum PublicationError: Error, Sendable, CustomStringConvertible {
  /// Neither `--base-url` nor `publish.baseURL` names the site the files are served from.
  case missingBaseURL
  /// `publish.baseURL` (or `--base-url`) is not an absolute https URL.
  case invalidBaseURL(String)
  /// A value that goes into security.txt has a line break, a space or a control character.
  case invalidValue(key: String, detail: String)
  /// `publish.expiresDays` is outside 1…365.
  case invalidExpiry(days: Int)
  /// `gateway.address` has no local part or domain, so no WKD path can be made for it.
  case invalidAddress(String)
  /// The signing key is not in the key home.
  case keyNotFound(String)
  /// The key carries no user ID with the security address; WKD clients would reject it.
  case keyLacksAddress(fingerprint: String, address: String)
  /// The key is revoked or expired: publishing it would turn reporters away.
  case keyUnusable(fingerprint: String, reason: String)
  /// An export held secret key packets. Nothing was written.
  case secretMaterial(fingerprint: String)
  /// The export of the key could not be read as OpenPGP packets, so it was not published.
  case unreadableExport(fingerprint: String)
  /// The mail templates (for the safe-harbour sentence) could not be read.
  case configuration(ConfigurationError)
  /// GnuPG failed while exporting or signing.
  case openPGP(OpenPGPError)
  /// A file or directory could not be written.
  case cannotWrite(path: String, detail: String)
  /// A security.txt could not be read back (RFC 9116 §4).
  case malformedSecurityTxt(line: Int, detail: String)

  public var description: String {
    switch self {
    case .missingBaseURL:
      return "No base URL for the published files; set `publish.baseURL` (e.g. https://example.org) or pass --base-url."
    case .invalidBaseURL(let url):
      return "The base URL \(url) is not an absolute https:// URL without query or fragment; fix `publish.baseURL` or --base-url (RFC 9116 requires https)."
    case .invalidValue(let key, let detail):
      return "`\(key)` cannot go into security.txt: \(detail)."
    case .invalidExpiry(let days):
      return "`publish.expiresDays` is \(days); use 1 to 365 (RFC 9116 §2.5.5 advises an Expires less than a year ahead)."
    case .invalidAddress(let address):
      return "`gateway.address` \(address) is not a plain address such as security@example.org; no Web Key Directory path can be made for it."
    case .keyNotFound(let key):
      return "The key \(key) is not in the key home; check `gnupg.home` and `gateway.signingKey` (see `meldpunt keys list`)."
    case .keyLacksAddress(let fingerprint, let address):
      return "The key \(fingerprint) has no user ID with \(address); add one (`gpg --quick-add-uid \(fingerprint) 'Security <\(address)>'`) or set `gateway.signingKey` to a key that has it."
    case .keyUnusable(let fingerprint, let reason):
      return "The key \(fingerprint) is \(reason); publish a valid key (create or extend one, then set `gateway.signingKey`)."
    case .secretMaterial(let fingerprint):
      return "The export of key \(fingerprint) contained secret key packets; nothing was written. Check the GnuPG installation."
    case .unreadableExport(let fingerprint):
      return "The export of key \(fingerprint) is not a well-formed OpenPGP key; nothing was written. Check the key with `gpg --list-packets`."
    case .configuration(let error):
      return error.description
    case .openPGP(let error):
      return error.description
    case .cannotWrite(let path, let detail):
      return "Cannot write \(path): \(detail); check that the output directory is writable by this user."
    case .malformedSecurityTxt(let line, let detail):
      return "The security.txt is not valid at line \(line): \(detail)."
    }
  }
}
