import ArgumentParser
import Foundation
import Gateway

struct DoctorCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check the installation: config, database, key home, gateway key, IMAP and SMTP logins.",
    discussion: "Each line says what was checked and, when something is wrong, what to do. Exit status 0 when nothing is wrong (warnings allowed).")

  @OptionGroup var options: GlobalOptions
  @Option(help: ArgumentHelp("Warn about keys that expire within this many days (default 30).", valueName: "days"))
  var keyWarningDays = 30

  func run() async throws {
    let findings = await Doctor().examine(configPath: options.configPath, keyWarningDays: keyWarningDays)
    for finding in findings {
      let mark = finding.level == .ok ? "ok     " : finding.level == .warning ? "WARNING" : "PROBLEM"
      print("\(mark)  \(finding.check): \(finding.message)")
    }
    if findings.contains(where: { $0.level == .problem }) { throw ExitCode.failure }
  }
}
