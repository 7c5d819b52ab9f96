import ArgumentParser
import Foundation
import Gateway

struct PublishCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "publish",
    abstract: "Write what the organisation publishes: security.txt, the public key, a Web Key Directory and the policy pages.",
    discussion: """
      Writes into DIR: .well-known/security.txt (RFC 9116; clearsigned with --sign), pgp-key.asc, the Web \
      Key Directory (advanced and direct layouts) and policy.{en,nl}.{html,txt} with the scope, the report \
      template, the promised timeline, the safe-harbour wording and the disclosure terms from the config. \
      Copy DIR to the web server of `publish.baseURL`. Nothing secret is ever written.
      """)

  @OptionGroup var options: GlobalOptions
  @Option(help: ArgumentHelp("The folder to write into (created if needed).", valueName: "dir")) var out: String
  @Flag(help: "Clearsign security.txt with the gateway key (RFC 9116 §2.3).") var sign = false
  @Option(name: .customLong("base-url"), help: ArgumentHelp("The https:// address the files are served from (default: `publish.baseURL`).", valueName: "url"))
  var baseURL: String?

  func run() async throws {
    let configuration = try await options.loadConfiguration(readSecrets: true)
    do {
      let publication = try await PublicationConfiguration.load(path: options.configPath, environment: ProcessInfo.processInfo.environment)
      let publisher = try await Publisher.open(configuration, publication: publication, baseURL: baseURL)
      let written = try await publisher.publish(to: out, sign: sign)
      print("Wrote \(written.count) files to \(out):")
      for path in written { print("  \(path)") }
    } catch {
      throw Failure("\(error)")
    }
  }
}

struct ReportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "The digest a team lead needs: cases by state and severity, response times, promises kept and broken, what is overdue.")

  @OptionGroup var options: GlobalOptions
  @Option(help: ArgumentHelp("Only cases received on or after this day, YYYY-MM-DD.", valueName: "date")) var since: Day?
  @Flag(help: "Print JSON for scripts.") var json = false

  func run() async throws {
    let configuration = try await options.loadConfiguration(readSecrets: false)
    let store = try await options.openStore()
    let digest = Digest.make(cases: try await store.cases(), since: since?.date, now: Date(), policy: configuration.timeline,
                             warnWithin: configuration.overdueWarningWorkingDays)
    if json { FileHandle.standardOutput.write(Data(digest.json() + [0x0A])) } else { print(digest.text()) }
  }
}
