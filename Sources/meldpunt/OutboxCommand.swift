import ArgumentParser
import Foundation
import Gateway
import Store

struct OutboxCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "outbox",
    abstract: "See the mails the gateway sends, and resend one.",
    discussion: """
      Every mail to a reporter waits in the outbox, already signed, until the SMTP server takes it. \
      Temporary failures (4xx, network) are retried with growing delays; permanent ones (5xx) stop with \
      the reason. Mails over the per-sender rate limit are held for an admin.
      """,
    subcommands: [List.self, Retry.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List outbox entries, oldest first.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Include mails already sent.") var all = false
    @Flag(help: "Print a JSON array for scripts.") var json = false

    func run() async throws {
      let store = try await options.openStore()
      let entries = try await store.outbox().filter { all || $0.state != .sent }
      if json { try printJSON(entries.map(OutboxJSON.init)); return }
      if entries.isEmpty { print(all ? "The outbox is empty." : "Nothing waiting: every mail was sent. (--all shows them.)"); return }
      var rows = [["ID", "KIND", "CASE", "TO", "STATE", "TRIES", "NEXT", "LAST ERROR"]]
      for e in entries {
        rows.append([String(e.id), e.kind.rawValue, e.caseID?.description ?? "-", e.recipient, e.state.rawValue, String(e.attempts),
                     e.state == .pending ? e.nextAttemptAt.map(Dates.minute) ?? "now" : "-", e.lastError ?? ""])
      }
      print(Table.render(rows))
    }
  }

  struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send a waiting, failed or held mail now.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The outbox id from `meldpunt outbox list`.", valueName: "id")) var id: Int64

    func run() async throws {
      let gateway = try await options.openGateway(logger: options.makeLogger())
      let sent: Bool
      do { sent = try await gateway.retryOutbox(id, actor: actor.name) } catch { throw Failure("\(error)") }
      if sent { print("Sent.") } else {
        print("Not sent; see `meldpunt outbox list` for the reason. It will be retried.")
        throw ExitCode.failure
      }
    }
  }
}

struct OutboxJSON: Encodable {
  let id: Int64
  let kind: String
  let caseID: String?
  let recipient: String
  let messageID: String
  let state: String
  let attempts: Int
  let lastError: String?
  let createdAt: Date
  let nextAttemptAt: Date?
  let sentAt: Date?

  init(_ e: OutboxEntry) {
    id = e.id
    kind = e.kind.rawValue
    caseID = e.caseID?.description
    recipient = e.recipient
    messageID = e.messageID
    state = e.state.rawValue
    attempts = e.attempts
    lastError = e.lastError
    createdAt = e.createdAt
    nextAttemptAt = e.nextAttemptAt
    sentAt = e.sentAt
  }
}
