import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A throwaway Dovecot IMAP server on 127.0.0.1 for integration tests.
///
/// It lives entirely in a temporary directory: a generated dovecot.conf, a
/// passwd-file with one user, a self-signed certificate, Maildir storage and
/// the log. It listens on a plain port (LOGIN allowed without TLS) and an
/// implicit-TLS port (RFC 8314), both on 127.0.0.1, and is started as a child
/// with `dovecot -F` so it dies with `stop()`.
///
/// Tests deliver mail with `append` (a real IMAP APPEND through the curl
/// CLI, so it works while the gateway is connected) and inspect folders with
/// `messages(in:)`, which reads the Maildir directly.
///
/// See https://doc.dovecot.org/2.3/configuration_manual/ for the settings.
public final class DovecotServer: Sendable {
  /// The IMAP hierarchy separator of the inbox namespace ("A/B" is a child of "A").
  public static let hierarchySeparator = "/"

  public let directory: String
  public let plainPort: UInt16
  public let tlsPort: UInt16
  public let user: String
  public let password: String
  /// The self-signed certificate (PEM) both ports present; use it as CA file.
  public let caFile: String
  /// The running dovecot; replaced by `restart()`.
  private let servers: ServerBox
  private var server: ServerProcess { servers.current }

  /// A file holding only the password (mode 0600), for `imap.passwordFile`-style settings.
  public var passwordFile: String { "\(directory)/password" }
  /// Dovecot's own log: logins, errors, and why a command failed.
  public var logFile: String { "\(directory)/dovecot.log" }
  /// A netrc file with the login for 127.0.0.1, for `curl --netrc-file`.
  public var netrcFile: String { "\(directory)/netrc" }

  private init(
    directory: String, plainPort: UInt16, tlsPort: UInt16, user: String, password: String,
    caFile: String, server: ServerProcess
  ) {
    self.directory = directory
    self.plainPort = plainPort
    self.tlsPort = tlsPort
    self.user = user
    self.password = password
    self.caFile = caFile
    self.servers = ServerBox(server)
  }

  /// Starts a server and waits (polling connects, at most `timeout` seconds)
  /// until both ports accept connections. If a port was taken meanwhile it
  /// retries with new ones. On failure nothing is left running and the error
  /// carries the tail of the Dovecot log.
  public static func start(
    user: String = "security", executable: String = "/usr/sbin/dovecot", timeout: Double = 15
  ) throws -> DovecotServer {
    try checkVersion(executable)
    let identity = try DovecotIdentity.current()
    let directory = try TemporaryDirectory.make(prefix: "mp-d-")
    do {
      // The mail user must traverse the directory to reach its Maildir.
      try Files.changeMode(directory, 0o711)
      let certificate = try SelfSignedCertificate.make(in: directory)
      let password = Secret.hex()
      try writeAccounts(
        directory: directory, user: user, password: password, identity: identity)
      var attempt = 1
      while true {
        let (plainPort, tlsPort) = try FreePort.pair()
        try Files.write(
          configuration(
            directory: directory, plainPort: plainPort, tlsPort: tlsPort, identity: identity,
            certificate: certificate),
          to: "\(directory)/dovecot.conf")
        let server = try ServerProcess(
          executable: executable, arguments: ["-F", "-c", "\(directory)/dovecot.conf"],
          logFile: "\(directory)/dovecot.stderr")
        do {
          try waitUntilAccepting(
            ports: [plainPort, tlsPort], server: server, directory: directory, timeout: timeout)
          return DovecotServer(
            directory: directory, plainPort: plainPort, tlsPort: tlsPort, user: user,
            password: password, caFile: certificate.certificateFile, server: server)
        } catch {
          server.stop()
          let log = logTail(directory)
          guard attempt < 3, log.contains("Address already in use") else { throw error }
          attempt += 1
        }
      }
    } catch {
      TemporaryDirectory.remove(directory)
      throw error
    }
  }

  /// `imap://127.0.0.1:P/INBOX` or `imaps://127.0.0.1:P/INBOX`; the mailbox
  /// is percent-encoded, including the hierarchy separator.
  public func url(mailbox: String = "INBOX", tls: Bool = false) -> String {
    let encoded = mailbox.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? mailbox
    return tls
      ? "imaps://127.0.0.1:\(tlsPort)/\(encoded)" : "imap://127.0.0.1:\(plainPort)/\(encoded)"
  }

  /// Delivers `message` with IMAP APPEND (curl CLI, plain port). The mailbox
  /// must exist: Dovecot answers `[TRYCREATE]` otherwise (see `createMailbox`).
  public func append(_ message: [UInt8], to mailbox: String = "INBOX") throws {
    // curl can only APPEND a body whose size it knows, so not from a pipe.
    let file = "\(directory)/append-\(UUID().uuidString).eml"
    try Files.write(message, to: file, mode: 0o600)
    defer { _ = unlink(file) }
    try curl(["--upload-file", file, url(mailbox: mailbox)])
  }

  /// Creates a folder (IMAP CREATE), e.g. the gateway's "Processed".
  public func createMailbox(_ name: String) throws {
    try curl([url(mailbox: ""), "--request", "CREATE \(Self.quoted(name))"])
  }

  /// Sends one IMAP command through the curl CLI and returns the untagged
  /// responses curl prints (e.g. `LIST "" "*"`, `EXAMINE INBOX`).
  @discardableResult
  public func imapCommand(_ command: String, tls: Bool = false) throws -> String {
    try curl([url(mailbox: "", tls: tls), "--request", command], tls: tls).stdoutText
  }

  /// The raw bytes of every message in `mailbox`, oldest first (Maildir
  /// names start with the delivery time), read straight from `cur/` and
  /// `new/`. A folder that does not exist yields `[]`.
  ///
  /// Dovecot may rename a file from `new/` to `cur/` (or expunge it) while
  /// we read; then the listing is taken again.
  public func messages(in mailbox: String) throws -> [[UInt8]] {
    let folder = maildirPath(for: mailbox)
    var attempt = 0
    while true {
      attempt += 1
      var names: [(name: String, path: String)] = []
      for sub in ["cur", "new"] {
        let entries =
          (try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/\(sub)")) ?? []
        names += entries.filter { !$0.hasPrefix(".") }.map { ($0, "\(folder)/\(sub)/\($0)") }
      }
      names.sort { $0.name < $1.name }
      var result: [[UInt8]] = []
      var vanished = false
      for entry in names {
        guard let data = FileManager.default.contents(atPath: entry.path) else {
          vanished = true
          break
        }
        result.append([UInt8](data))
      }
      if !vanished { return result }
      if attempt >= 20 {
        throw HarnessError.unexpectedOutput(
          program: "dovecot", detail: "messages in \(folder) kept moving while being read")
      }
    }
  }

  /// Where `mailbox` lives on disk: INBOX is the Maildir itself, folder "A/B"
  /// is the Maildir++ directory ".A.B".
  public func maildirPath(for mailbox: String) -> String {
    let root = "\(directory)/mail/\(user)"
    if mailbox.uppercased() == "INBOX" { return root }
    return "\(root)/." + mailbox.replacingOccurrences(of: Self.hierarchySeparator, with: ".")
  }

  /// Stops Dovecot and all its service processes and waits for them. Idempotent.
  public func stop() {
    server.stop()
  }

  /// Starts Dovecot again on the same ports with the same mail (after `stop()`),
  /// for outage tests.
  public func restart(timeout: Double = 15) throws {
    server.stop()
    let fresh = try ServerProcess(
      executable: "/usr/sbin/dovecot", arguments: ["-F", "-c", "\(directory)/dovecot.conf"],
      logFile: "\(directory)/dovecot.stderr")
    servers.current = fresh
    try Self.waitUntilAccepting(ports: [plainPort, tlsPort], server: fresh, directory: directory, timeout: timeout)
  }

  deinit {
    server.stop()
    TemporaryDirectory.remove(directory)
  }

  // MARK: - Helpers

  private static let unreserved = CharacterSet(
    charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

  /// An IMAP quoted string (RFC 3501 §4.3).
  static func quoted(_ name: String) -> String {
    "\""
      + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
        of: "\"", with: "\\\"") + "\""
  }

  @discardableResult
  private func curl(_ arguments: [String], tls: Bool = false) throws -> CommandResult {
    var args = ["--silent", "--show-error", "--netrc-file", netrcFile]
    if tls { args += ["--cacert", caFile] }
    let result = try Command.run("curl", args + arguments)
    guard result.status == 0 else {
      throw HarnessError.commandFailed(
        program: "curl (IMAP to 127.0.0.1:\(tls ? tlsPort : plainPort))", status: result.status,
        stderrTail: result.stderr + "\n" + Files.tail(logFile, lines: 8))
    }
    return result
  }

  private static func writeAccounts(
    directory: String, user: String, password: String, identity: DovecotIdentity
  ) throws {
    let mail = "\(directory)/mail"
    try FileManager.default.createDirectory(atPath: mail, withIntermediateDirectories: false)
    try Files.changeMode(mail, 0o700)
    try Files.changeOwner(mail, uid: identity.mailUID, gid: identity.mailGID)
    // passwd-file: user:{scheme}password:uid:gid:gecos:home
    let passwd = "\(directory)/passwd"
    try Files.write(
      "\(user):{PLAIN}\(password):\(identity.mailUID):\(identity.mailGID)::\(mail)/\(user)\n",
      to: passwd, mode: 0o640)
    // The auth service runs as the internal user and must read it.
    try Files.changeOwner(passwd, uid: geteuid(), gid: identity.internalGID)
    try Files.write(password, to: "\(directory)/password", mode: 0o600)
    try Files.write(
      "machine 127.0.0.1 login \(user) password \(password)\n", to: "\(directory)/netrc",
      mode: 0o600)
  }

  private static func waitUntilAccepting(
    ports: [UInt16], server: ServerProcess, directory: String, timeout: Double
  ) throws {
    let deadline = monotonicMilliseconds() + Int64(timeout * 1000)
    var waiting = ports
    while !waiting.isEmpty {
      if let status = server.exitStatus {
        throw HarnessError.serverExited(
          program: "dovecot", status: status, logTail: logTail(directory))
      }
      waiting.removeAll { FreePort.isAccepting($0) }
      if waiting.isEmpty { return }
      guard monotonicMilliseconds() < deadline else {
        throw HarnessError.timedOut(
          what: "dovecot accepting on 127.0.0.1:\(waiting)", seconds: timeout,
          logTail: logTail(directory))
      }
      waitBetweenPolls(milliseconds: 25)
    }
  }

  private static func logTail(_ directory: String) -> String {
    Files.tail("\(directory)/dovecot.stderr", lines: 10) + "\n"
      + Files.tail("\(directory)/dovecot.log")
  }

  /// The configuration is Dovecot 2.3 syntax; 2.4 changed it incompatibly.
  private static func checkVersion(_ executable: String) throws {
    let version = try Command.runChecked(executable, ["--version"]).stdoutText
    let parts = version.split(separator: ".").prefix(2).compactMap { Int($0) }
    guard parts.count == 2, parts[0] == 2, parts[1] <= 3 else {
      throw HarnessError.unexpectedOutput(
        program: executable,
        detail: "version \(version.trimmingCharacters(in: .whitespacesAndNewlines)); "
          + "DovecotServer writes Dovecot 2.3 configuration (2.4 needs auth_allow_cleartext and new passdb syntax)"
      )
    }
  }
}

/// Holds the current dovecot process.
///
/// `@unchecked Sendable` is safe: `current` is only read or replaced under `lock`.
final class ServerBox: @unchecked Sendable {
  private let lock = NSLock()
  private var process: ServerProcess
  init(_ process: ServerProcess) { self.process = process }
  var current: ServerProcess {
    get { lock.withLock { process } }
    set { lock.withLock { process = newValue } }
  }
}
