import ArgumentParser
import Cases
import Foundation
import Gateway
import Store

struct CasesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cases",
    abstract: "List and show the cases the gateway recorded.",
    subcommands: [List.self, Show.self, Update.self, Note.self, Export.self, Reply.self, PinKey.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List cases, oldest first.")
    @OptionGroup var options: GlobalOptions
    @Option(help: ArgumentHelp("Only cases in this state (\(CaseState.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "state"))
    var state: String?
    @Option(help: ArgumentHelp("Only cases of this severity (\(Severity.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "severity"))
    var severity: String?
    @Flag(help: "Only cases with a promise (acknowledge, assess, fix) broken or due within `timeline.warnWorkingDays` working days.")
    var overdue = false
    @Flag(help: "Print a JSON array for scripts instead of a table.")
    var json = false

    func validate() throws {
      if let severity, Severity(rawValue: severity) == nil {
        throw ValidationError("Unknown severity '\(severity)'; use one of: \(Severity.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
      if let state, CaseState(rawValue: state) == nil {
        throw ValidationError("Unknown state '\(state)'; use one of: \(CaseState.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
    }

    func run() async throws {
      let configuration = try await options.loadConfiguration(readSecrets: false)
      let store = try await options.openStore()
      var cases = try await store.cases(state: state.flatMap(CaseState.init(rawValue:)), severity: severity.flatMap(Severity.init(rawValue:)))
      if overdue {
        cases = cases.filter { !Overdue.promisesAtRisk($0, policy: configuration.timeline, warnWithin: configuration.overdueWarningWorkingDays).isEmpty }
      }
      if json {
        try printJSON(cases.map(CaseSummaryJSON.init))
        return
      }
      if cases.isEmpty { print("No cases."); return }
      var rows = [["ID", "STATE", "RECEIVED", "REPORTER", "ENCRYPTION", "SIGNATURE", "FIX DUE"]]
      for c in cases {
        rows.append([c.id.description, c.state.rawValue, Dates.minute(c.timeline.receivedAt), c.reporterAddress,
                     c.verdict.encryption.name, c.verdict.signature.name, Dates.day(c.timeline.fixDue)])
      }
      print(Table.render(rows))
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one case: verdict, timeline and history.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The case id, e.g. MP-2026-0001.", valueName: "id"))
    var id: String
    @Flag(help: "Print JSON for scripts.")
    var json = false

    func validate() throws {
      if CaseID(id) == nil { throw ValidationError("'\(id)' is not a case id; they look like MP-2026-0001.") }
    }

    func run() async throws {
      let store = try await options.openStore()
      guard let caseID = CaseID(id), let record = try await store.caseRecord(caseID) else {
        throw Failure("No case \(id). `meldpunt cases list` shows the cases there are.")
      }
      let events = try await store.auditEvents(caseID: caseID)
      if json {
        try printJSON(CaseDetailJSON(record: record, events: events))
        return
      }
      // The key passphrase is needed only to decrypt a report that is not stored in the clear.
      let configuration = record.reportText == nil
        ? try await options.loadConfiguration(readSecrets: true) : try await options.loadConfiguration(readSecrets: false)
      let followUps = try await store.followUps(caseID: caseID)
      let notes = try await store.notes(caseID: caseID)
      let changes = try await store.agreementChanges(caseID: caseID)
      let c = record.case
      let v = c.verdict
      var lines: [String] = []
      lines.append("Case \(c.id)  [\(c.state.rawValue)]\(c.severity.map { "  severity \($0.rawValue)" } ?? "")")
      lines.append("Title:        \(c.title)")
      lines.append("Reporter:     \(c.reporterName.map { "\($0) " } ?? "")<\(c.reporterAddress)>\(c.reporterFingerprint.map { "  key \($0)" } ?? "")")
      lines.append("Received:     \(Dates.minute(c.timeline.receivedAt))")
      lines.append("Acknowledged: \(c.acknowledgedAt.map(Dates.minute) ?? "not yet")")
      lines.append("Encryption:   \(v.encryption.name)\({ if case .failed(let r) = v.encryption { return " (\(r.rawValue))" }; if case .partial(let p) = v.encryption { return " (encrypted: \(p.joined(separator: ", ")))" }; return "" }())")
      var sig = "Signature:    \(v.signature.name)"
      if let fpr = v.signature.fingerprint { sig += " by \(fpr)" }
      if let uid = v.signature.userID { sig += " (\(uid))" }
      if let matches = v.signature.matchesFrom { sig += matches ? ", matches From" : ", does NOT match From" }
      lines.append(sig)
      if !v.flags.isEmpty { lines.append("Flags:        \(v.flags.sorted().map(\.rawValue).joined(separator: ", "))") }
      for part in v.parts {
        lines.append("  part \(part.path) \(part.contentType): \(part.encrypted ? "encrypted" : "NOT encrypted"), \(part.signed ? "signed" : "not signed")")
      }
      if !c.assets.isEmpty { lines.append("Assets:       \(c.assets.joined(separator: ", "))  [\(c.scope.rawValue)]") }
      else { lines.append("Scope:        \(c.scope.rawValue)") }
      for vector in c.cvssVectors {
        if let scored = CaseScoring.score(vector) { lines.append("CVSS:         \(scored.score) \(scored.severity)  \(vector)") }
        else { lines.append("CVSS:         \(vector) (not a valid vector)") }
      }
      if !c.cweIDs.isEmpty || !c.cveIDs.isEmpty { lines.append("Ids:          \((c.cweIDs + c.cveIDs).joined(separator: ", "))") }
      if let duplicate = c.possibleDuplicateOf { lines.append("Possible duplicate of \(duplicate)") }
      if let claimed = c.claimedCaseID { lines.append("CLAIMS CASE:  \(claimed), but the mail is not from its reporter nor signed by its key") }
      if let copy = c.copyOf { lines.append("COPY OF:      \(copy) (the same encrypted message, re-sent)") }
      if let awaited = c.awaitedSigner { lines.append("Signer key:   \(awaited.uppercased()) signed the report; the gateway does not have that key yet") }
      lines.append("Timeline:     acknowledge by \(Dates.day(c.timeline.acknowledgeDue)), assess by \(Dates.day(c.timeline.triageDue)), fix by \(Dates.day(c.agreement?.fixDue ?? c.timeline.fixDue)), disclosure \(c.agreement?.disclosureDate.map(Dates.day).map { "agreed \($0)" } ?? "proposed \(Dates.day(c.timeline.proposedDisclosure))")")
      let promises = configuration.timeline.status(of: c.timeline, acknowledgedAt: c.acknowledgedAt, triagedAt: c.triagedAt,
                                                   fixedAt: c.fixedAt, now: Date(), warnWithin: configuration.overdueWarningWorkingDays)
      lines.append("Promises:     " + promises.map { "\($0.kind) \($0.state)" }.joined(separator: ", "))
      if let agreement = c.agreement {
        lines.append("Agreement:    fix by \(Dates.day(agreement.fixDue))\(agreement.acceptedAt.map { ", accepted \(Dates.day($0))" } ?? ""), credit \(agreement.noCredit ? "none" : agreement.creditAs ?? "not decided"), coordinator \(agreement.consentToCoordinator.map { $0 ? "may be informed" : "may not be informed" } ?? "not asked")")
      }
      for change in changes {
        lines.append("  \(Dates.minute(change.at))  \(change.source): \(change.change.field.rawValue) \(change.change.from ?? "unset") → \(change.change.to ?? "unset")")
      }
      if !c.attachments.isEmpty {
        lines.append("Attachments:")
        for a in c.attachments { lines.append("  \(a.name ?? "(no name)")  \(a.type)  \(a.size) bytes\(a.encrypted ? "" : "  NOT encrypted")") }
      }
      if let text = await Gateway.reportText(of: record, store: store, configuration: configuration) {
        lines.append("")
        lines.append(record.reportText == nil ? "Report (decrypted now from the stored original):" : "Report:")
        lines.append(text)
      }
      if !followUps.isEmpty {
        lines.append("")
        lines.append("Follow-ups:")
        for f in followUps {
          var line = "  \(Dates.minute(f.receivedAt))  from \(f.sender ?? "(no address)"), signature \(f.verdict.signature.name)"
          if let signer = f.signer { line += " by \(signer)" }
          if !f.keywords.isEmpty { line += ", keywords \(f.keywords.joined(separator: " ")) \(f.applied ? "applied" : "NOT applied")" }
          if !f.refusedKeywords.isEmpty { line += " (refused: \(f.refusedKeywords.joined(separator: "; ")))" }
          if f.possibleImpersonation { line += "  POSSIBLE IMPERSONATION" }
          lines.append(line)
          if let text = f.text { lines.append(text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")) }
        }
      }
      if !notes.isEmpty {
        lines.append("")
        lines.append("Notes:")
        for n in notes { lines.append("  \(Dates.minute(n.at))  \(n.actor): \(n.text)") }
      }
      lines.append("")
      lines.append("History:")
      for e in events { lines.append("  \(Dates.minute(e.at))  \(e.actor)  \(e.action)  \(e.detail)") }
      print(lines.joined(separator: "\n"))
    }
  }
}

extension GlobalOptions {
  /// Opens only the database (no servers, no keys): enough for reading cases.
  func openStore() async throws -> Store {
    let configuration = try await loadConfiguration(readSecrets: false)
    guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
      throw Failure("No database at \(configuration.databasePath); run `meldpunt init` or check `database.path`.")
    }
    do { return try Store(path: configuration.databasePath, keepReportText: configuration.storeReportText) }
    catch { throw Failure("\(error)") }
  }
}

/// One case in `cases list --json`.
struct CaseSummaryJSON: Encodable {
  let id: String
  let state: String
  let title: String
  let reporterAddress: String
  let encryption: String
  let signature: String
  let signerFingerprint: String?
  let flags: [String]
  let receivedAt: Date
  let acknowledgedAt: Date?
  let fixDue: Date

  init(_ c: Case) {
    id = c.id.description
    state = c.state.rawValue
    title = c.title
    reporterAddress = c.reporterAddress
    encryption = c.verdict.encryption.name
    signature = c.verdict.signature.name
    signerFingerprint = c.verdict.signature.fingerprint
    flags = c.verdict.flags.sorted().map(\.rawValue)
    receivedAt = c.timeline.receivedAt
    acknowledgedAt = c.acknowledgedAt
    fixDue = c.timeline.fixDue
  }
}

/// `cases show --json`.
struct CaseDetailJSON: Encodable {
  struct Event: Encodable { let at: Date; let actor: String; let action: String; let detail: String }
  let id: String
  let state: String
  let title: String
  let reporterAddress: String
  let reporterName: String?
  let reporterFingerprint: String?
  let receivedAt: Date
  let acknowledgedAt: Date?
  let timeline: Timeline
  let verdict: Verdict
  let attachments: [Attachment]
  let reportText: String?
  let history: [Event]

  init(record: CaseRecord, events: [AuditEvent]) {
    let c = record.case
    id = c.id.description
    state = c.state.rawValue
    title = c.title
    reporterAddress = c.reporterAddress
    reporterName = c.reporterName
    reporterFingerprint = c.reporterFingerprint
    receivedAt = c.timeline.receivedAt
    acknowledgedAt = c.acknowledgedAt
    timeline = c.timeline
    verdict = c.verdict
    attachments = c.attachments
    reportText = record.reportText
    history = events.map { Event(at: $0.at, actor: $0.actor, action: $0.action, detail: $0.detail) }
  }
}

func printJSON<T: Encodable>(_ value: T) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  encoder.dateEncodingStrategy = .iso8601
  print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

enum Dates {
  static func minute(_ date: Date) -> String { UTCDate.minute(date) }
  static func day(_ date: Date) -> String { UTCDate.day(date) }
}

enum Table {
  static func render(_ rows: [[String]]) -> String {
    let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
  }
}
