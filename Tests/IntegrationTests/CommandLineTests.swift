import Foundation
import MeldpuntTesting
import Testing

/// The `meldpunt` binary as an admin meets it: help, init, the service.
@Suite("Command line")
struct CommandLineTests {
  let binary = GatewaySetup.locateBinary()

  @Test(arguments: [[], ["init"], ["process"], ["run"], ["cases"], ["cases", "list"], ["cases", "show"]])
  func everyCommandHasHelp(_ command: [String]) throws {
    let result = try Command.run(binary, command + ["--help"])
    #expect(result.status == 0)
    #expect(result.stdoutText.contains("USAGE: meldpunt"))
  }

  @Test func initCreatesPrivateFilesAndNeverOverwrites() throws {
    let directory = try TemporaryDirectory.make(prefix: "mp-i-")
    defer { TemporaryDirectory.remove(directory) }
    let config = directory + "/etc/meldpunt.json"
    let first = try Command.run(binary, ["init", "--config", config, "--address", "security@example.net"])
    #expect(first.status == 0, "\(first.stderr)")
    let fm = FileManager.default
    let text = try String(contentsOfFile: config, encoding: .utf8)
    #expect(text.contains("security@example.net"))
    #expect((try fm.attributesOfItem(atPath: directory + "/etc/gnupg")[.posixPermissions] as? Int) == 0o700)
    #expect((try fm.attributesOfItem(atPath: directory + "/etc/meldpunt.sqlite")[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
    try Data("{\"edited\": true}".utf8).write(to: URL(fileURLWithPath: config))
    let second = try Command.run(binary, ["init", "--config", config])
    #expect(second.status == 0)
    #expect(second.stdoutText.contains("left unchanged"))
    #expect(try String(contentsOfFile: config, encoding: .utf8) == "{\"edited\": true}")
  }

  @Test func processWithoutOnceExplainsItself() throws {
    let result = try Command.run(binary, ["process"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("--once"))
  }

  @Test func aMissingConfigSaysHowToMakeOne() throws {
    let result = try Command.run(binary, ["cases", "list", "--config", "/nonexistent/meldpunt.json"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("meldpunt init"))
  }

  @Test("meldpunt run acknowledges new mail while it runs and stops cleanly on SIGTERM")
  func serviceRunsUntilSIGTERM() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let gateway = try GatewaySetup(environment: environment, binary: binary)
    let service = try gateway.startService()
    let reporter = try environment.addReporter(name: "Rita", email: "rita@reporter.example")
    for number in 1...2 {
      let mail = try ReportMail.pgpMIMEEncrypted(
        from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "Report \(number)",
        body: "finding \(number)", recipientKey: environment.gatewayFingerprint, signer: reporter,
        home: environment.reporterHome)
      try environment.dovecot.append(mail)
      _ = try environment.smtp.waitForMessages(count: number, timeout: 30)
    }
    #expect(service.isRunning)
    let status = service.stop(signal: SIGTERM)
    #expect(status == 0, "meldpunt run did not exit cleanly:\n\(service.log)")
    #expect(try environment.dovecot.messages(in: "Processed").count == 2)
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
  }
}
