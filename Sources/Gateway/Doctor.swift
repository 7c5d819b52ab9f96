import Cases
import Foundation
import OpenPGP
import Store
import Transport

/// `meldpunt doctor`: checks an installation and says what is wrong in words an admin can act on.
public struct Doctor: Sendable {
  public struct Finding: Sendable, Equatable {
    public enum Level: String, Sendable { case ok, warning, problem }
    public let level: Level
    public let check: String
    public let message: String
  }

  public init() {}

  /// Runs every check; never throws: each problem is a finding.
  public func examine(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                      keyWarningDays: Int = 30) async -> [Finding] {
    var findings: [Finding] = []
    func add(_ level: Finding.Level, _ check: String, _ message: String) { findings.append(Finding(level: level, check: check, message: message)) }

    let configuration: GatewayConfiguration
    do {
      configuration = try await ConfigurationLoader.load(path: configPath, environment: environment)
      add(.ok, "config", "\(configPath) is complete (\(configuration.description)).")
    } catch {
      add(.problem, "config", error.description)
      return findings
    }

    // Key home and database permissions.
    do {
      try Permissions.requirePrivate(directory: configuration.gnupgHome, what: "The key home (`gnupg.home`)")
      add(.ok, "key home", "\(configuration.gnupgHome) is private.")
    } catch { add(.problem, "key home", error.description) }
    if FileManager.default.fileExists(atPath: configuration.databasePath) {
      do {
        try Permissions.requirePrivate(file: configuration.databasePath, what: "The database (`database.path`)")
        let store = try Store(path: configuration.databasePath)
        let cases = try await store.cases()
        add(.ok, "database", "\(configuration.databasePath) opens; \(cases.count) case(s).")
        let conflicts = try await store.keyEvents().filter { $0.action == "conflict" }
        for conflict in conflicts { add(.warning, "reporter keys", "Key \(conflict.fingerprint): \(conflict.detail).") }
      } catch { add(.problem, "database", "\(error)") }
    } else {
      add(.problem, "database", "No database at \(configuration.databasePath); run `meldpunt init` or fix `database.path`.")
    }

    // The gateway key: present, can sign, the passphrase works, not about to expire.
    let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
    do {
      let store = try Gateway.existingStore(configuration)
      let signer = try await Gateway.resolveSigner(configuration, engine: engine, store: store)
      _ = try await engine.signDetached(Array("meldpunt doctor".utf8), signer: signer)
      add(.ok, "gateway key", "\(signer) signs for \(configuration.address).")
      for key in try await Gateway.gatewayKeys(configuration, engine: engine, store: store) where !key.revoked {
        guard let expires = key.expiresAt else { continue }
        let days = Int(expires.timeIntervalSinceNow / 86_400)
        if days < 0 { add(.warning, "gateway key", "Key \(key.fingerprint.hex) expired on \(UTCDate.day(expires)).") }
        else if days <= keyWarningDays {
          add(.warning, "gateway key", "Key \(key.fingerprint.hex) expires on \(UTCDate.day(expires)) (in \(days) days); run `meldpunt keys rotate` and publish again.")
        }
      }
    } catch { add(.problem, "gateway key", "\(error)") }
    if let host = engine.hostExecutable {
      add(.ok, "gpgme host", "Decrypting and signing run in \(host).")
    } else {
      add(.warning, "gpgme host", "meldpunt-gpgme is not beside meldpunt, so GPGME runs inside the gateway, which costs more CPU per mail; install it in the same folder (README, \"Setting up a gateway\").")
    }

    // Servers.
    let logger = Logging.Logger(label: "meldpunt.doctor", factory: { _ in Logging.SwiftLogNoOpLogHandler() })
    do {
      try await IMAPMailbox(endpoint: configuration.imap, logger: logger).checkLogin()
      add(.ok, "imap", "Logged in to \(configuration.imap.server) as \(configuration.imap.user ?? "-").")
    } catch { add(.problem, "imap", error.description) }
    do {
      try await SMTPSender(endpoint: configuration.smtp, logger: logger).checkLogin()
      add(.ok, "smtp", "\(configuration.smtp.server) accepts the connection\(configuration.smtp.user == nil ? "" : " and the login").")
    } catch { add(.problem, "smtp", error.description) }
    return findings
  }
}

import Logging
