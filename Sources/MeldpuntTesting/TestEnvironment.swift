/// Everything a gateway integration test needs, started together and torn
/// down together: Dovecot, an SMTP sink, the gateway's GnuPG home with
/// security@example.org, and a reporter's GnuPG home that already holds the
/// gateway's public key.
///
/// Start it at the top of a test and `defer { environment.stop() }`; `deinit`
/// stops whatever is still running, and a failure halfway through `start`
/// stops what had already started before throwing.
public final class TestEnvironment: Sendable {
  /// The gateway's address, and the user ID of its key.
  public static let gatewayAddress = "security@example.org"

  public let dovecot: DovecotServer
  public let smtp: SMTPSink
  public let gatewayHome: GnuPGHome
  public let gatewayFingerprint: String
  /// The passphrase of the gateway key, if it has one.
  public let gatewayPassphrase: String?
  public let reporterHome: GnuPGHome
  /// A scratch directory for the gateway's database and configuration.
  public let directory: String

  private init(
    dovecot: DovecotServer, smtp: SMTPSink, gatewayHome: GnuPGHome, gatewayFingerprint: String,
    gatewayPassphrase: String?, reporterHome: GnuPGHome, directory: String
  ) {
    self.dovecot = dovecot
    self.smtp = smtp
    self.gatewayHome = gatewayHome
    self.gatewayFingerprint = gatewayFingerprint
    self.gatewayPassphrase = gatewayPassphrase
    self.reporterHome = reporterHome
    self.directory = directory
  }

  public static func start(
    gatewayPassphrase: String? = nil, smtp options: SMTPSink.Options = .init()
  ) throws
    -> TestEnvironment
  {
    // Each value stops itself in deinit, so an early throw here tears down
    // everything started so far when the locals go out of scope.
    let directory = try TemporaryDirectory.make(prefix: "mp-e-")
    do {
      let dovecot = try DovecotServer.start()
      let smtp = try SMTPSink.start(options)
      let gatewayHome = try GnuPGHome.make()
      let fingerprint = try gatewayHome.generateKey(
        name: "Meldpunt Security", email: gatewayAddress, passphrase: gatewayPassphrase)
      let reporterHome = try GnuPGHome.make()
      try reporterHome.importKeys(gatewayHome.exportPublic(fingerprint))
      return TestEnvironment(
        dovecot: dovecot, smtp: smtp, gatewayHome: gatewayHome, gatewayFingerprint: fingerprint,
        gatewayPassphrase: gatewayPassphrase, reporterHome: reporterHome, directory: directory)
    } catch {
      TemporaryDirectory.remove(directory)
      throw error
    }
  }

  /// Generates a reporter key in `reporterHome` and returns its fingerprint.
  /// The public key goes nowhere else: a test that wants the gateway to know
  /// the reporter imports it into `gatewayHome` itself.
  @discardableResult
  public func addReporter(
    name: String, email: String, algorithm: GnuPGHome.KeyAlgorithm = .ed25519,
    passphrase: String? = nil
  ) throws -> String {
    try reporterHome.generateKey(
      name: name, email: email, algorithm: algorithm, passphrase: passphrase)
  }

  /// Stops both servers and both gpg-agents. Idempotent. Directories are
  /// removed when the objects are released, so a test can still inspect the
  /// Maildir and the sink after `stop()`.
  public func stop() {
    smtp.stop()
    dovecot.stop()
    gatewayHome.killAgent()
    reporterHome.killAgent()
  }

  deinit {
    stop()
    TemporaryDirectory.remove(directory)
  }
}
