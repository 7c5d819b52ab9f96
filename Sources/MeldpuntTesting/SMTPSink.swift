import Foundation

/// A real SMTP receiver on 127.0.0.1 (aiosmtpd, scripts/smtp-sink.py) that
/// keeps every message it accepts, for checking what the gateway sent.
///
/// It can require STARTTLS (RFC 3207) with a self-signed certificate, AUTH
/// PLAIN/LOGIN (RFC 4954; only after STARTTLS when both are on) and can
/// answer 451 to the first N DATA commands to exercise retries. Like
/// schleuder's `spec/smtp-daemon.rb`, it is a real server, not a mock.
public final class SMTPSink: Sendable {
  public struct Options: Sendable {
    /// Offer and require STARTTLS before MAIL.
    public var startTLS: Bool = false
    /// TLS from the first byte (smtps) instead of STARTTLS; needs `startTLS` for the certificate.
    public var implicitTLS: Bool = false
    /// Require AUTH PLAIN or LOGIN with `user` and `password` before MAIL.
    public var requireAuth: Bool = false
    public var user: String = "gateway"
    public var password: String = Secret.hex()
    /// Answer "451 4.3.0" to this many DATA commands before accepting.
    public var tempFailFirst: Int = 0

    public init() {}
  }

  /// One accepted message: the SMTP envelope and the DATA bytes exactly as
  /// received (CRLF line ends, dot-stuffing removed).
  public struct Received: Sendable {
    public let mailFrom: String
    public let recipients: [String]
    public let data: [UInt8]
    /// The AUTH login used, if any.
    public let authenticatedUser: String?
    /// Whether the message arrived after STARTTLS.
    public let tls: Bool
    /// The client's port: messages with the same port came over the same connection.
    public let clientPort: Int?

    /// `data` decoded as UTF-8.
    public var text: String { String(decoding: data, as: UTF8.self) }
  }

  /// NNNNNN.json as written by smtp-sink.py.
  private struct Envelope: Decodable {
    let mailFrom: String
    let recipients: [String]
    let authenticatedUser: String?
    let tls: Bool
    let clientPort: Int?

    enum CodingKeys: String, CodingKey {
      case mailFrom = "mail_from"
      case recipients = "rcpt_tos"
      case authenticatedUser = "auth_user"
      case tls
      case clientPort = "client_port"
    }
  }

  public let port: UInt16
  /// Whether the sink speaks TLS from the first byte (smtps).
  public let implicitTLS: Bool
  public let directory: String
  /// The certificate (PEM) presented after STARTTLS; nil without STARTTLS.
  public let caFile: String?
  public let user: String
  public let password: String
  private let server: ServerProcess

  /// A file holding only the password (mode 0600).
  public var passwordFile: String { "\(directory)/password" }
  /// The sink's log (aiosmtpd's session trace).
  public var logFile: String { "\(directory)/sink.log" }
  private var mailDirectory: String { "\(directory)/mail" }

  /// The sink's process id while it runs (the benchmark reads its CPU time).
  public var processIdentifier: pid_t? { server.processIdentifier }

  private init(
    port: UInt16, directory: String, caFile: String?, user: String, password: String,
    server: ServerProcess, implicitTLS: Bool
  ) {
    self.port = port
    self.implicitTLS = implicitTLS
    self.directory = directory
    self.caFile = caFile
    self.user = user
    self.password = password
    self.server = server
  }

  /// scripts/smtp-sink.py of the repository this file was compiled from.
  public static var defaultScript: String {
    // #filePath may go through a symlink (packages that vendor this target);
    // resolve it before walking up to the repository root.
    let source = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    return source.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
      .appendingPathComponent("scripts/smtp-sink.py").path
  }

  /// Starts the sink on a port the kernel picks and waits (at most `timeout`
  /// seconds) for its READY line and for the port to accept a connection.
  public static func start(
    _ options: Options = .init(), python: String = "/usr/bin/python3",
    script: String = defaultScript,
    timeout: Double = 15
  ) throws -> SMTPSink {
    guard FileManager.default.isReadableFile(atPath: script) else {
      throw HarnessError.missingFile(
        path: script, hint: "SMTPSink runs it; it belongs in scripts/ of the repository")
    }
    let directory = try TemporaryDirectory.make(prefix: "mp-s-")
    do {
      var arguments = [script, "--host", "127.0.0.1", "--port", "0", "--dir", "\(directory)/mail"]
      var caFile: String?
      if options.startTLS {
        let certificate = try SelfSignedCertificate.make(in: directory)
        arguments += ["--tls-cert", certificate.certificateFile, "--tls-key", certificate.keyFile]
        if options.implicitTLS { arguments.append("--implicit-tls") }
        caFile = certificate.certificateFile
      }
      try Files.write(options.password, to: "\(directory)/password", mode: 0o600)
      if options.requireAuth {
        arguments += ["--auth-user", options.user, "--auth-password-file", "\(directory)/password"]
      }
      if options.tempFailFirst > 0 {
        arguments += ["--tempfail", String(options.tempFailFirst)]
      }
      let server = try ServerProcess(
        executable: python, arguments: arguments, logFile: "\(directory)/sink.log", pipeStdout: true
      )
      do {
        let port = try waitUntilReady(server, timeout: timeout)
        return SMTPSink(
          port: port, directory: directory, caFile: caFile, user: options.user,
          password: options.password,
          server: server, implicitTLS: options.implicitTLS && options.startTLS)
      } catch {
        server.stop()
        throw error
      }
    } catch {
      TemporaryDirectory.remove(directory)
      throw error
    }
  }

  /// `smtp://127.0.0.1:P` (STARTTLS is negotiated on this same URL).
  public func url() -> String {
    "\(implicitTLS ? "smtps" : "smtp")://127.0.0.1:\(port)"
  }

  /// Everything accepted so far, in arrival order.
  public func received() throws -> [Received] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: mailDirectory)) ?? []
    // The script renames NNNNNN.eml into place before NNNNNN.json.
    let stems = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map {
      String($0.dropLast(5))
    }.sorted()
    return try stems.map { stem in
      let json = try Files.read("\(mailDirectory)/\(stem).json")
      let envelope: Envelope
      do {
        envelope = try JSONDecoder().decode(Envelope.self, from: Data(json))
      } catch {
        throw HarnessError.unexpectedOutput(
          program: "smtp-sink.py", detail: "\(stem).json: \(error)")
      }
      return Received(
        mailFrom: envelope.mailFrom, recipients: envelope.recipients,
        data: try Files.read("\(mailDirectory)/\(stem).eml"),
        authenticatedUser: envelope.authenticatedUser,
        tls: envelope.tls, clientPort: envelope.clientPort)
    }
  }

  /// Polls until at least `count` messages arrived and returns all of them;
  /// throws after `timeout` seconds with the count seen and the sink log.
  public func waitForMessages(count: Int, timeout: Double) throws -> [Received] {
    let deadline = monotonicMilliseconds() + Int64(timeout * 1000)
    while true {
      let messages = try received()
      if messages.count >= count { return messages }
      if let status = server.exitStatus {
        throw HarnessError.serverExited(
          program: "smtp-sink.py", status: status, logTail: Files.tail(logFile))
      }
      guard monotonicMilliseconds() < deadline else {
        throw HarnessError.timedOut(
          what: "\(count) message(s) at the SMTP sink (got \(messages.count))", seconds: timeout,
          logTail: Files.tail(logFile))
      }
      waitBetweenPolls(milliseconds: 50)
    }
  }

  /// Stops the sink (SIGTERM) and waits for it. Idempotent.
  public func stop() {
    server.stop()
  }

  deinit {
    server.stop()
    TemporaryDirectory.remove(directory)
  }

  private static func waitUntilReady(_ server: ServerProcess, timeout: Double) throws -> UInt16 {
    let started = monotonicMilliseconds()
    guard let line = try server.readLine(timeout: timeout) else {
      // stdout closed: the script died (bad arguments, missing aiosmtpd …).
      let deadline = monotonicMilliseconds() + 2000
      while server.isRunning && monotonicMilliseconds() < deadline {
        waitBetweenPolls(milliseconds: 20)
      }
      throw HarnessError.serverExited(
        program: "smtp-sink.py", status: server.exitStatus ?? -1,
        logTail: Files.tail(server.logFile))
    }
    let fields = line.split(separator: " ")
    guard fields.count == 3, fields[0] == "READY", let port = UInt16(fields[2]) else {
      throw HarnessError.unexpectedOutput(
        program: "smtp-sink.py", detail: "ready line was \"\(line)\"")
    }
    let remaining = timeout - Double(monotonicMilliseconds() - started) / 1000
    let deadline = monotonicMilliseconds() + Int64(max(remaining, 1) * 1000)
    while !FreePort.isAccepting(port) {
      guard monotonicMilliseconds() < deadline else {
        throw HarnessError.timedOut(
          what: "smtp-sink.py accepting on 127.0.0.1:\(port)", seconds: timeout,
          logTail: Files.tail(server.logFile))
      }
      waitBetweenPolls(milliseconds: 25)
    }
    return port
  }
}
