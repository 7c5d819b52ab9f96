import ArgumentParser
import Foundation
import Gateway

struct DoctorCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check the installation: config, database, key home, gateway key, IMAP and SMTP logins.",
    discussion: "Each line says what was checked and, when something is wrong, what to do. Exit status 0 when nothing is wrong (warnings allowed).")

  @OptionGroup var options: GlobalOptions
  @Option(help: ArgumentHelp("Warn about keys that expire within this many days (default: `keys.warnDays`, 30).", valueName: "days"))
  var keyWarningDays: Int?

  func run() async throws {
    let configured = (try? await ConfigurationLoader.load(path: options.configPath, readSecrets: false))?.keyWarningDays ?? 30
    let findings = await Doctor().examine(configPath: options.configPath, keyWarningDays: keyWarningDays ?? configured)
    for finding in findings {
      let mark = finding.level == .ok ? "ok     " : finding.level == .warning ? "WARNING" : "PROBLEM"
      print("\(mark)  \(finding.check): \(finding.message)")
    }
    if findings.contains(where: { $0.level == .problem }) { throw ExitCode.failure }
  }
}
