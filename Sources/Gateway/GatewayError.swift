import OpenPGP
import Store
import Transport

/// Errors that stop a pipeline step. Each names the stage and what to check;
/// none carries report content.
public enum GatewayError: Error, Sendable, CustomStringConvertible {
  case transport(TransportError)
  case openPGP(OpenPGPError)
  case store(StoreError)
  case configuration(ConfigurationError)
  case noSigningKey(address: String, home: String)
  case unsafePermissions(path: String, detail: String)

  public var description: String {
    switch self {
    case .transport(let error): return error.description
    case .openPGP(let error): return error.description
    case .store(let error): return error.description
    case .configuration(let error): return error.description
    case .noSigningKey(let address, let home):
      return "No gateway key for \(address) is recorded for the key home \(home): the gateway key is chosen by fingerprint, never found by address. Create one with `meldpunt keys generate`, adopt a key made with gpg with `meldpunt keys adopt FINGERPRINT` (see `meldpunt keys list`), or set `gateway.signingKey` to its fingerprint."
    case .unsafePermissions(let path, let detail):
      return "\(path) \(detail)."
    }
  }

  /// Whether only an admin can fix it: the service stops with this message rather than retry forever.
  public var needsAdmin: Bool {
    switch self {
    case .openPGP(.passphraseRejected), .openPGP(.signingKeyUnusable), .openPGP(.engineUnavailable), .openPGP(.keyHome): return true
    case .transport(.loginRefused): return true
    case .noSigningKey, .unsafePermissions, .configuration: return true
    default: return false
    }
  }

  /// Whether the problem may go away by itself (a server outage), so the service should retry.
  public var isTemporary: Bool {
    switch self {
    case .transport(let error): return error.isTemporary
    case .store(.database): return true
    default: return false
    }
  }
}
