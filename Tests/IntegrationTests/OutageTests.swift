import Foundation
import MeldpuntTesting
import Testing

/// Servers go away, come back, answer 4xx; the database is locked or full. The
/// service keeps running, backs off, logs one line per change of state, catches up.
@Suite("Outages", .serialized)
struct OutageTests {
  static func report(_ environment: TestEnvironment, _ n: Int) throws -> [UInt8] {
    ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "report \(n)", body: "finding \(n)")
  }

  static func lines(_ log: String, containing text: String) -> Int {
    log.split(separator: "\n").filter { $0.contains(text) }.count
  }

  @Test("IMAP server stopped in the middle of a run, then back: one line each way, and the mail is caught up")
  func imapOutage() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let service = try gateway.startService()
    try environment.dovecot.append(Self.report(environment, 1))
    _ = try environment.smtp.waitForMessages(count: 1, timeout: 30)
    environment.dovecot.stop()
    Thread.sleep(forTimeInterval: 4)  // several polls fail meanwhile
    #expect(service.isRunning)
    try environment.dovecot.restart()
    try environment.dovecot.append(Self.report(environment, 2))
    #expect(try environment.smtp.waitForMessages(count: 2, timeout: 30).count == 2)
    #expect(service.stop() == 0, "\(service.log)")
    let log = service.log
    #expect(Self.lines(log, containing: "Mail is waiting") == 1, "\(log)")
    #expect(Self.lines(log, containing: "All caught up again") == 1, "\(log)")
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
  }

  @Test("SMTP answers 4xx for a while, then accepts: the acknowledgement goes out once")
  func smtpTemporaryFailures() throws {
    var options = SMTPSink.Options()
    options.tempFailFirst = 3
    let environment = try TestEnvironment.start(smtp: options)
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(),
                                   sections: ["mail": ["retrySeconds": 1]])
    let service = try gateway.startService()
    try environment.dovecot.append(Self.report(environment, 1))
    #expect(try environment.smtp.waitForMessages(count: 1, timeout: 60).count == 1)
    Thread.sleep(forTimeInterval: 2)
    #expect(service.stop() == 0)
    #expect(try environment.smtp.received().count == 1)
    #expect(try environment.dovecot.messages(in: "Processed").count == 1)
    #expect(Self.lines(service.log, containing: "Mail is waiting") == 1, "\(service.log)")
  }

  @Test("The database locked by another process, then full: the mail stays in the inbox and is caught up")
  func databaseLockedAndFull() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    #expect(try gateway.run(["process", "--once"]).status == 0)  // creates the database
    try environment.dovecot.append(Self.report(environment, 1))
    let database = environment.directory + "/meldpunt.sqlite"
    // Another process holds a write lock for longer than the gateway waits (10 s).
    let locker = try Command.run("/usr/bin/python3", ["-c", """
      import sqlite3, subprocess, sys, time
      db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=1)
      db.execute("BEGIN EXCLUSIVE")
      run = subprocess.run([sys.argv[2], "process", "--once", "--config", sys.argv[3]], capture_output=True, text=True)
      db.execute("ROLLBACK")
      print(run.returncode)
      sys.stderr.write(run.stdout + run.stderr)
      """, database, gateway.binary, gateway.configPath])
    #expect(locker.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(locker.stderr)")
    #expect(try environment.dovecot.messages(in: "INBOX").count == 1)

    // A full disk: the database may not grow (an empty database has 40 pages of schema).
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "big",
                                                    body: String(repeating: "big report line\n", count: 40_000)))
    let full = try gateway.run(["process", "--once"], environment: ["MELDPUNT_TEST_DB_MAX_PAGES": "80"])
    #expect(full.status != 0)
    #expect(full.stdoutText.contains("full") || full.stdoutText.contains("FULL"), "\(full.stdoutText) \(full.stderr) status \(full.status)")
    #expect(try environment.dovecot.messages(in: "INBOX").count >= 1)
    let caughtUp = try gateway.run(["process", "--once"])
    #expect(caughtUp.status == 0, "\(caughtUp.stderr)")
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
    #expect(try environment.smtp.waitForMessages(count: 2, timeout: 10).count == 2)
  }

  @Test("meldpunt run stops with a non-zero status for what only an admin can fix")
  func adminErrorsStopTheService() throws {
    let environment = try TestEnvironment.start(gatewayPassphrase: "right")
    defer { environment.stop() }
    let wrong = environment.directory + "/wrong"
    try Data("wrong".utf8).write(to: URL(fileURLWithPath: wrong))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    try environment.dovecot.append(Self.report(environment, 1))
    let service = try gateway.startService(environment: ["MELDPUNT_GNUPG_PASSPHRASE_FILE": wrong])
    var waited = 0
    while service.isRunning && waited < 300 { Thread.sleep(forTimeInterval: 0.1); waited += 1 }
    let status = service.stop()
    #expect(status != nil && status != 0)
    #expect(service.log.contains("passphrase"))
    #expect(!service.log.contains("wrong\n"))
    #expect(try environment.dovecot.messages(in: "INBOX").count == 1)
  }
}
