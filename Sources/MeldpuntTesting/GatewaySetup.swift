import Foundation
import MIME

/// Runs the real `meldpunt` binary against a `TestEnvironment`, as an admin would.
public struct GatewaySetup: Sendable {
  public let environment: TestEnvironment
  public let configPath: String
  public let binary: String

  /// Writes a config file for `environment` (IMAP over TLS with the test CA, plain SMTP on loopback).
  /// `extra` adds `gateway.*` keys; `sections` replaces whole sections (e.g. "mail").
  /// `namesSigningKey: false` leaves `gateway.signingKey` out, for tests of keys the admin
  /// records with `meldpunt keys` instead.
  public init(environment: TestEnvironment, binary: String, extra: [String: Any] = [:], sections: [String: Any] = [:],
              namesSigningKey: Bool = true) throws {
    self.environment = environment
    self.binary = binary
    configPath = environment.directory + "/meldpunt.json"
    // The gateway key made by the harness, named by fingerprint as an admin would (it is never
    // found by its address).
    var gateway: [String: Any] = ["address": TestEnvironment.gatewayAddress, "organisation": "Example Organisation",
                                  "policyURL": "https://example.org/security-policy", "pollSeconds": 1,
                                  "signingKey": environment.gatewayFingerprint]
    if !namesSigningKey { gateway["signingKey"] = nil }
    for (key, value) in extra { gateway[key] = value }
    // One CA bundle for both test servers (each has its own self-signed certificate).
    let bundle = environment.directory + "/ca-bundle.pem"
    var pem = try [UInt8](Data(contentsOf: URL(fileURLWithPath: environment.dovecot.caFile)))
    if let sinkCA = environment.smtp.caFile { pem += Array("\n".utf8) + (try [UInt8](Data(contentsOf: URL(fileURLWithPath: sinkCA)))) }
    try Data(pem).write(to: URL(fileURLWithPath: bundle))
    var smtp: [String: Any] = ["url": environment.smtp.url()]
    if environment.smtp.caFile != nil {
      smtp["user"] = environment.smtp.user
      smtp["passwordFile"] = environment.smtp.passwordFile
    }
    var config: [String: Any] = [
      "imap": ["url": environment.dovecot.url(mailbox: "INBOX", tls: true), "user": environment.dovecot.user,
               "passwordFile": environment.dovecot.passwordFile],
      "smtp": smtp,
      "gateway": gateway,
      "gnupg": ["home": environment.gatewayHome.path],
      "database": ["path": environment.directory + "/meldpunt.sqlite"],
      "tls": ["caFile": bundle],
    ]
    for (section, values) in sections { config[section] = values }
    let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: configPath))
  }

  /// Runs `meldpunt ARGS --config FILE`.
  @discardableResult
  public func run(_ args: [String], environment extraEnvironment: [String: String] = [:]) throws -> CommandResult {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in extraEnvironment { env[key] = value }
    return try Command.run(binary, args + ["--config", configPath], environment: env)
  }

  /// The `meldpunt` executable built next to the running test or demo binary.
  public static func locateBinary(near executable: String = CommandLine.arguments[0]) -> String {
    var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
    // A test bundle sits in .build/debug/X.xctest/...; climb until a sibling `meldpunt` appears.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("meldpunt").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory.deleteLastPathComponent()
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/meldpunt").path
  }
}

/// A mail the gateway sent, as the SMTP sink received it, checked with the real gpg
/// in the reporter's key home: RFC 3156 multipart/signed (verified over the exact
/// bytes), or multipart/encrypted (decrypted; the signature inside checked).
public struct SignedMailCheck: Sendable {
  public let message: MIMEMessage
  public let isMultipartSigned: Bool
  public let isEncrypted: Bool
  public let micalg: String?
  public let signatureGood: Bool
  public let signerFingerprint: String?
  /// The readable text: the signed part's, or the decrypted entity's body.
  public let text: String
  /// The decrypted entity (with its protected headers), when the mail was encrypted.
  public let decrypted: MIMEMessage?

  public init(_ data: [UInt8], home: GnuPGHome) throws {
    message = try MIMEMessage.parse(data)
    let root = message.root
    isMultipartSigned = root.contentType.mimeType == "multipart/signed"
      && root.contentType["protocol"]?.lowercased() == "application/pgp-signature"
    isEncrypted = root.contentType.mimeType == "multipart/encrypted"
    micalg = root.contentType["micalg"]
    if isMultipartSigned, root.children.count == 2 {
      let result = try home.verifyDetached(signedBytes: message.canonicalBytes(of: root.children[0]),
                                           signature: message.decodedBody(of: root.children[1]))
      signatureGood = result.good
      signerFingerprint = result.fingerprint
      text = message.text(of: root.children[0])
      decrypted = nil
    } else if isEncrypted, root.children.count == 2 {
      let result = try home.decrypt(message.decodedBody(of: root.children[1]))
      let okay = result.statusLines.contains { $0.hasPrefix("DECRYPTION_OKAY") }
      signatureGood = okay && result.statusLines.contains { $0.hasPrefix("GOODSIG ") } && result.statusLines.contains { $0.hasPrefix("VALIDSIG ") }
      signerFingerprint = GnuPGHome.signerFingerprint(result.statusLines)
      let inner = okay ? try? MIMEMessage.parse(result.plaintext) : nil
      decrypted = inner
      text = inner.map { entity in
        entity.allParts.filter { $0.contentType.type == "text" }.map { entity.text(of: $0) }.joined(separator: "\n")
      } ?? ""
    } else {
      signatureGood = false
      signerFingerprint = nil
      text = message.text(of: root)
      decrypted = nil
    }
  }

  /// The Subject a reader sees: the protected one inside the encryption, else the outer one.
  public var subject: String? { decrypted?.headers["Subject"] ?? message.headers["Subject"] }
}

/// `meldpunt run` as a child process, for tests of the long-running service.
///
/// `@unchecked Sendable` is safe: the `Process` is only touched under `lock`.
public final class RunningGateway: @unchecked Sendable {
  private let lock = NSLock()
  private let process: Process
  public let logFile: String

  /// Starts any program in the background with all signals unblocked (so `stop()` works from tests).
  public init(binary: String, arguments: [String], environment: [String: String], logFile: String) throws {
    self.logFile = logFile
    // A file that cannot be created makes the next line throw with the path.
    _ = FileManager.default.createFile(atPath: logFile, contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
    defer { try? log.close() }
    process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = log
    process.standardError = log
    try spawnWithSignalsUnblocked(process, program: "meldpunt")
  }

  public var isRunning: Bool { lock.withLock { process.isRunning } }

  /// Sends `signal` and waits up to `timeout` seconds; returns the exit status, or nil if it did not exit (then it is killed).
  public func stop(signal: Int32 = SIGTERM, timeout: Double = 30) -> Int32? {
    lock.withLock {
      guard process.isRunning else { return process.terminationStatus }
      _ = posixKill(process.processIdentifier, signal)
      let deadline = monotonicMilliseconds() + Int64(timeout * 1000)
      while process.isRunning && monotonicMilliseconds() < deadline { waitBetweenPolls(milliseconds: 20) }
      if process.isRunning {
        _ = posixKill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return nil
      }
      return process.terminationStatus
    }
  }

  public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

  deinit { _ = stop(signal: SIGKILL, timeout: 5) }
}

extension GatewaySetup {
  /// Starts `meldpunt run` with this config.
  public func startService(environment extraEnvironment: [String: String] = [:]) throws -> RunningGateway {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in extraEnvironment { env[key] = value }
    return try RunningGateway(binary: binary, arguments: ["run", "--config", configPath], environment: env,
                              logFile: environment.directory + "/meldpunt-run.log")
  }
}
