import ArgumentParser
import Cases
import Foundation
import Gateway
import OpenPGP
import Store

/// Parses `YYYY-MM-DD` for command-line options.
struct Day: ExpressibleByArgument {
  let date: Date
  init?(argument: String) {
    let parts = argument.split(separator: "-")
    guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
          calendar.component(.day, from: date) == d else { return nil }
    self.date = date
  }
}

/// Who is acting, for the audit log: --actor, else the login name.
struct ActorOption: ParsableArguments {
  @Option(help: ArgumentHelp("Your name for the case history (default: the login name).", valueName: "name"))
  var actor: String?
  var name: String { actor ?? ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "team" }
}

extension CasesCommand {
  struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change a case's state, severity, title or dates.",
      discussion: """
        States move only along new → triaged → accepted | rejected | duplicate, and accepted → fixing → \
        fixed → disclosed → closed; anything else is refused with the reason. A new fix or disclosure date \
        changes the agreement: the reporter is sent the signed agreement. Every change is in the case history.
        """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The case id, e.g. MP-2026-0001.", valueName: "id")) var id: String
    @Option(help: ArgumentHelp("The new state (\(CaseState.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "state"))
    var state: String?
    @Option(help: ArgumentHelp("The severity (\(Severity.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "severity"))
    var severity: String?
    @Option(help: ArgumentHelp("A new title for the team.", valueName: "text")) var title: String?
    @Option(name: .customLong("triage-due"), help: ArgumentHelp("Assessment due date, YYYY-MM-DD.", valueName: "date")) var triageDue: Day?
    @Option(name: .customLong("fix-due"), help: ArgumentHelp("Fix due date, YYYY-MM-DD (changes the agreement).", valueName: "date")) var fixDue: Day?
    @Option(help: ArgumentHelp("Agreed disclosure date, YYYY-MM-DD (changes the agreement).", valueName: "date")) var disclosure: Day?

    func validate() throws {
      if CaseID(id) == nil { throw ValidationError("'\(id)' is not a case id; they look like MP-2026-0001.") }
      if let state, CaseState(rawValue: state) == nil {
        throw ValidationError("Unknown state '\(state)'; use one of: \(CaseState.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
      if let severity, Severity(rawValue: severity) == nil {
        throw ValidationError("Unknown severity '\(severity)'; use one of: \(Severity.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
      if state == nil && severity == nil && title == nil && triageDue == nil && fixDue == nil && disclosure == nil {
        throw ValidationError("Nothing to change: give --state, --severity, --title, --triage-due, --fix-due or --disclosure.")
      }
    }

    func run() async throws {
      let gateway = try await options.openGateway(logger: options.makeLogger())
      let change = Store.CaseUpdate(state: state.flatMap(CaseState.init(rawValue:)), severity: severity.flatMap(Severity.init(rawValue:)),
                                    title: title, fixDue: fixDue?.date, triageDue: triageDue?.date, disclosure: disclosure?.date)
      do {
        let result = try await gateway.update(CaseID(id)!, change, actor: actor.name)
        print("Case \(id) updated: \(result.summary)")
      } catch {
        throw Failure("\(error)")
      }
    }
  }

  struct Note: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a note to a case's history (the reporter does not see it).")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The case id.", valueName: "id")) var id: String
    @Argument(help: ArgumentHelp("The note; '-' reads it from standard input.", valueName: "text")) var text: String

    func validate() throws {
      if CaseID(id) == nil { throw ValidationError("'\(id)' is not a case id; they look like MP-2026-0001.") }
    }

    func run() async throws {
      let store = try await options.openStore()
      let body = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
      do { _ = try await store.addNote(caseID: CaseID(id)!, actor: actor.name, text: body) } catch { throw Failure("\(error)") }
      print("Note added to \(id).")
    }
  }

  struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write one case as JSON (--json, for scripts and webhooks), a CSAF 2.0 advisory (--csaf) or an OSV record (--osv).",
      discussion: "--json holds the report text (confidential); --csaf and --osv are for disclosure and hold none of it.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The case id.", valueName: "id")) var id: String
    @Flag(help: "The case as JSON (schema: Config/schemas/case-export.schema.json).") var json = false
    @Flag(help: "A CSAF 2.0 document, profile csaf_security_advisory.") var csaf = false
    @Flag(help: "An OSV record.") var osv = false

    func validate() throws {
      if CaseID(id) == nil { throw ValidationError("'\(id)' is not a case id; they look like MP-2026-0001.") }
      if [json, csaf, osv].filter({ $0 }).count != 1 { throw ValidationError("Choose one format: --json, --csaf or --osv.") }
    }

    func run() async throws {
      let configuration = try await options.loadConfiguration(readSecrets: false)
      let store = try await options.openStore()
      let caseID = CaseID(id)!
      guard let record = try await store.caseRecord(caseID) else {
        throw Failure("No case \(id). `meldpunt cases list` shows the cases there are.")
      }
      let output: [UInt8]
      if csaf {
        let publication = try? await PublicationConfiguration.load(path: options.configPath, environment: ProcessInfo.processInfo.environment)
        let namespace = publication?.baseURL ?? configuration.policyURL ?? "https://\(configuration.domain)"
        output = CSAFDocument(case: record.case, publisher: CSAFPublisher(name: configuration.organisation, namespace: namespace)).json()
      } else if osv {
        output = OSVRecord(case: record.case, organisation: configuration.organisation, advisoryURL: configuration.policyURL).json()
      } else {
        guard let export = try await CaseExport.load(caseID, store: store, policy: configuration.timeline, scores: CaseScoring.score) else {
          throw Failure("No case \(id).")
        }
        output = export.json()
      }
      FileHandle.standardOutput.write(Data(output + [0x0A]))
    }
  }

  struct Reply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Send the reporter a message about a case, signed (and encrypted when their key is known).")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The case id.", valueName: "id")) var id: String
    @Option(name: .long, help: ArgumentHelp("The message text; '-' reads standard input.", valueName: "file")) var file: String

    func validate() throws {
      if CaseID(id) == nil { throw ValidationError("'\(id)' is not a case id; they look like MP-2026-0001.") }
    }

    func run() async throws {
      let text: String
      if file == "-" { text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
      else {
        guard let data = FileManager.default.contents(atPath: file) else { throw Failure("Cannot read \(file).") }
        text = String(decoding: data, as: UTF8.self)
      }
      let gateway = try await options.openGateway(logger: options.makeLogger())
      do {
        let result = try await gateway.reply(to: CaseID(id)!, text: text, actor: actor.name)
        print("Reply \(result.sent ? "sent" : "queued (the outbox retries)"), \(result.encrypted ? "signed and encrypted" : "signed (no key known for the reporter)").")
      } catch { throw Failure("\(error)") }
    }
  }

  struct PinKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pin-key",
      abstract: "Settle which key is the case's reporter's: pin it to the case and the reporter's address.",
      discussion: """
        The key must be in the gateway's keyrings (`meldpunt keys import FILE`) and carry the reporter's address. \
        The stored first report is verified again with it; from then on only this key's signed keywords count, \
        and mail to the reporter is encrypted to it.
        """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The case id.", valueName: "id")) var id: String
    @Argument(help: ArgumentHelp("The key's full fingerprint.", valueName: "fingerprint")) var fingerprint: String

    func validate() throws {
      if CaseID(id) == nil { throw ValidationError("'\(id)' is not a case id; they look like MP-2026-0001.") }
    }

    func run() async throws {
      let gateway = try await options.openGateway(logger: options.makeLogger())
      let verdict: Verdict
      do { verdict = try await gateway.pinCaseKey(CaseID(id)!, fingerprint: fingerprint, actor: actor.name) } catch { throw Failure("\(error)") }
      print("Pinned \(Fingerprint(fingerprint).hex) to \(id). The first report's signature: \(verdict.signature.name)\(verdict.speaksForSender ? " (by this key)" : "").")
    }
  }
}
