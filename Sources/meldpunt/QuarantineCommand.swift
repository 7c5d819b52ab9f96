import ArgumentParser
import Foundation
import Gateway
import Store

struct QuarantineCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quarantine",
    abstract: "Look at mails the gateway could not read, and process them again.",
    discussion: """
      A mail is quarantined when it cannot be decrypted (no key, no integrity protection, tampered, \
      not really encrypted) or breaks a limit. It is moved to the IMAP quarantine folder and kept in the \
      database as received; no acknowledgement is sent. After fixing the cause (importing a missing \
      key, say), `meldpunt quarantine retry ID` reads it again.
      """,
    subcommands: [List.self, Show.self, Retry.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List quarantined mails, oldest first.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Include mails already released into a case.")
    var all = false
    @Flag(help: "Print a JSON array for scripts.")
    var json = false

    func run() async throws {
      let store = try await options.openStore()
      let entries = try await store.quarantined(includeReleased: all)
      if json { try printJSON(entries.map { QuarantineJSON($0) }); return }
      if entries.isEmpty { print("Nothing in quarantine."); return }
      var rows = [["ID", "SINCE", "REASON", "STATE", "DETAIL"]]
      for e in entries {
        rows.append([String(e.id), Dates.minute(e.quarantinedAt), e.reason, e.released ? "released" : "held", e.detail])
      }
      print(Table.render(rows))
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one quarantined mail: why, when, and what arrived.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The quarantine id from `meldpunt quarantine list`.", valueName: "id"))
    var id: Int64
    @Flag(help: "Print the stored mail exactly as it was received, instead of the summary.")
    var raw = false
    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() async throws {
      let store = try await options.openStore()
      guard let entry = try await store.quarantineEntry(id: id) else {
        throw Failure("No quarantine entry \(id). `meldpunt quarantine list --all` shows them all.")
      }
      let mail = try await entry.rawMailID.asyncMap { try await store.rawMail(id: $0) } ?? nil
      if raw {
        guard let rawID = entry.rawMailID else { throw Failure("Mail \(id) was never downloaded; it is only in the IMAP quarantine folder.") }
        FileHandle.standardOutput.write(Data(try await store.rawMailBytes(id: rawID)))
        return
      }
      if json { try printJSON(QuarantineJSON(entry, mail: mail)); return }
      var lines = ["Quarantine \(entry.id)  [\(entry.released ? "released" : "held")]",
                   "Since:      \(Dates.minute(entry.quarantinedAt))",
                   "Reason:     \(entry.reason)",
                   "Detail:     \(entry.detail)"]
      if let mail {
        lines.append("Received:   \(Dates.minute(mail.receivedAt)), \(mail.size) bytes, sha256 \(mail.sha256)")
        lines.append("Message-ID: \(mail.messageID ?? "(none)")")
      }
      lines.append("Retry with: meldpunt quarantine retry \(entry.id)")
      print(lines.joined(separator: "\n"))
    }
  }

  struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read a quarantined mail again; if it is readable now, open its case and acknowledge it.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: ArgumentHelp("The quarantine id from `meldpunt quarantine list`.", valueName: "id"))
    var id: Int64

    func run() async throws {
      let gateway = try await options.openGateway(logger: options.makeLogger())
      let outcome: Gateway.RetryOutcome
      do { outcome = try await gateway.retry(quarantineID: id) } catch { throw Failure("\(error)") }
      switch outcome {
      case .caseCreated(let caseID):
        print("Readable now: case \(caseID) was opened. The mail itself stays in the quarantine folder.")
      case .stillQuarantined(let reason, let detail):
        print("Still not readable (\(reason)): \(detail)")
        throw ExitCode.failure
      }
    }
  }
}

struct QuarantineJSON: Encodable {
  let id: Int64
  let reason: String
  let detail: String
  let quarantinedAt: Date
  let released: Bool
  let sha256: String?
  let size: Int?
  let messageID: String?

  init(_ entry: QuarantineEntry, mail: RawMail? = nil) {
    id = entry.id
    reason = entry.reason
    detail = entry.detail
    quarantinedAt = entry.quarantinedAt
    released = entry.released
    sha256 = mail?.sha256
    size = mail?.size
    messageID = mail?.messageID
  }
}

extension Optional {
  func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
    guard let value = self else { return nil }
    return try await transform(value)
  }
}
