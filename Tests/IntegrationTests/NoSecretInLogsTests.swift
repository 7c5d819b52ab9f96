import Foundation
import MeldpuntTesting
import Testing

/// Runs the whole pipeline at trace level with a canary in the report text, the
/// subject, an attachment name and the key passphrase, and looks for it everywhere
/// that is not meant to hold report content.
@Suite("No secret in any log", .serialized)
struct NoSecretInLogsTests {
  static let canary = "CANARY-5ec7-leak"

  @Test("The canary is in no log line, error message, public database column or outgoing mail")
  func canaryNowhere() throws {
    let passphrase = "\(Self.canary)-passphrase"
    let environment = try TestEnvironment.start(gatewayPassphrase: passphrase)
    defer { environment.stop() }
    let rita = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(rita))
    let entity = """
      Content-Type: multipart/mixed; boundary="in"; protected-headers="v1"\r
      Subject: \(Self.canary) subject\r
      \r
      --in\r
      Content-Type: text/plain\r
      \r
      Text \(Self.canary).\r
      --in\r
      Content-Type: text/plain; name="\(Self.canary).txt"\r
      Content-Disposition: attachment; filename="\(Self.canary).txt"\r
      \r
      x\r
      --in--\r

      """
    try environment.dovecot.append(try ReadingRulesTests.pgpMIME(
      entity: entity, from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "...",
      recipient: environment.gatewayFingerprint, signers: [rita], home: environment.reporterHome))
    // And a mail that fails: encrypted to someone else.
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "\(Self.canary) outer",
      body: Self.canary, recipientKey: rita, signer: nil, home: environment.reporterHome))
    let passphraseFile = environment.directory + "/passphrase"
    try Data(passphrase.utf8).write(to: URL(fileURLWithPath: passphraseFile))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    let trace = ["MELDPUNT_LOG_LEVEL": "trace", "MELDPUNT_GNUPG_PASSPHRASE_FILE": passphraseFile]

    var outputs: [String] = []
    let run = try gateway.run(["process", "--once"], environment: trace)
    #expect(run.status == 0, "\(run.stderr)")
    outputs += [run.stdoutText, run.stderr]
    #expect(run.stderr.contains("Case created"), "trace logging did not happen")
    // Team views (cases list, show) hold report content by design; these do not.
    for args in [["quarantine", "list", "--json"], ["quarantine", "show", "1"], ["outbox", "list", "--all"]] {
      let result = try gateway.run(args, environment: trace)
      outputs += [result.stdoutText, result.stderr]
    }
    // A wrong passphrase: the error says what to fix, never the value.
    let wrongFile = environment.directory + "/wrong"
    try Data("\(Self.canary)-wrong".utf8).write(to: URL(fileURLWithPath: wrongFile))
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "plain", body: "plain report"))
    let failing = try gateway.run(["process", "--once"], environment: ["MELDPUNT_LOG_LEVEL": "trace", "MELDPUNT_GNUPG_PASSPHRASE_FILE": wrongFile])
    #expect(failing.status != 0)
    #expect(failing.stderr.contains("passphrase"))
    outputs += [failing.stdoutText, failing.stderr]
    for output in outputs { #expect(!output.contains(Self.canary), "leaked in: \(output.prefix(2000))") }

    // Public columns: audit log, quarantine reasons, outbox (the signed mails), raw-mail metadata.
    let database = environment.directory + "/meldpunt.sqlite"
    let dump = try Command.run("/usr/bin/sqlite3", [database, """
      SELECT action, detail, actor FROM audit_event;
      SELECT reason, detail FROM quarantine;
      SELECT recipient, message_id, last_error, message FROM outbox;
      SELECT sha256, message_id, state FROM raw_mail;
      """])
    #expect(dump.status == 0, "\(dump.stderr)")
    #expect(!dump.stdoutText.contains(Self.canary))
    for mail in try environment.smtp.received() {
      #expect(!(try ReporterMailTests.everything(mail.data, environment.reporterHome)).contains(Self.canary))
    }
  }
}
