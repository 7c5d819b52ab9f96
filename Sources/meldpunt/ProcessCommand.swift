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

  @Flag(help: "Also print the milliseconds spent in each pipeline stage (fetch, store, decryptVerify, case, sign, send, move).")
  var timings = false

  @Flag(help: "Print the summary as JSON for scripts (with the stage timings).")
  var json = false

  func validate() throws {
    if !once { throw ValidationError("Add --once to drain the inbox one time, or use `meldpunt run` to keep polling.") }
  }

  func run() async throws {
    let logger = options.makeLogger()
    let gateway = try await options.openGateway(logger: logger)
    let summary = await gateway.processOnce()
    if json {
      try printJSON(ProcessSummaryJSON(summary, gateway.clock))
      if !summary.unfinished.isEmpty { throw ExitCode.failure }
      return
    }
    print("Mails in the inbox: \(summary.seen)")
    print("Cases created: \(summary.casesCreated.isEmpty ? "none" : summary.casesCreated.joined(separator: ", "))")
    print("Quarantined: \(summary.quarantined)")
    print("Acknowledgements sent: \(summary.acknowledgementsSent)")
    if summary.resumed > 0 { print("Resumed after an earlier interruption: \(summary.resumed)") }
    if timings {
      for entry in gateway.clock.snapshot {
        print("  \(entry.stage.rawValue): \(String(format: "%.1f", entry.milliseconds)) ms in \(entry.count) step(s)")
      }
    }
    if let fatal = summary.adminMustFix { print("An admin must fix this first: \(fatal)") }
    if !summary.unfinished.isEmpty {
      print("Not finished (left in the inbox, retried next time):")
      for line in summary.unfinished { print("  \(line)") }
      throw ExitCode.failure
    }
  }
}

struct ProcessSummaryJSON: Encodable {
  struct Stage: Encodable { let stage: String; let milliseconds: Double; let count: Int }
  let seen: Int
  let casesCreated: [String]
  let followUps: Int
  let quarantined: Int
  let acknowledgementsSent: Int
  let unfinished: [String]
  let stages: [Stage]

  init(_ summary: RunSummary, _ clock: StageClock) {
    seen = summary.seen
    casesCreated = summary.casesCreated
    followUps = summary.followUps
    quarantined = summary.quarantined
    acknowledgementsSent = summary.acknowledgementsSent
    unfinished = summary.unfinished
    stages = clock.snapshot.map { Stage(stage: $0.stage.rawValue, milliseconds: $0.milliseconds, count: $0.count) }
  }
}
