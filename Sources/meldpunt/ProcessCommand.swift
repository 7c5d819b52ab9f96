import ArgumentParser
import Gateway

struct ProcessCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "process",
    abstract: "Handle every mail in the inbox now, then exit.",
    discussion: """
      Each mail is stored, decrypted and verified, recorded as a case (or quarantined with its reason), \
      acknowledged to the reporter, and moved to the processed or quarantine folder. \
      Exit status 0 when every mail was handled; 1 when some wait in the inbox for a retry.
      """)

  @OptionGroup var options: GlobalOptions

  @Flag(name: .long, help: "Drain the inbox once and exit (use `meldpunt run` for the long-running service).")
  var once = false

  func validate() throws {
    if !once { throw ValidationError("Add --once to drain the inbox one time, or use `meldpunt run` to keep polling.") }
  }

  func run() async throws {
    let logger = options.makeLogger()
    let gateway = try await options.openGateway(logger: logger)
    let summary = await gateway.processOnce()
    print("Mails in the inbox: \(summary.seen)")
    print("Cases created: \(summary.casesCreated.isEmpty ? "none" : summary.casesCreated.joined(separator: ", "))")
    print("Quarantined: \(summary.quarantined)")
    print("Acknowledgements sent: \(summary.acknowledgementsSent)")
    if summary.resumed > 0 { print("Resumed after an earlier interruption: \(summary.resumed)") }
    if let fatal = summary.adminMustFix { print("An admin must fix this first: \(fatal)") }
    if !summary.unfinished.isEmpty {
      print("Not finished (left in the inbox, retried next time):")
      for line in summary.unfinished { print("  \(line)") }
      throw ExitCode.failure
    }
  }
}
