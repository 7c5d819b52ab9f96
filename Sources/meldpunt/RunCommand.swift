import ArgumentParser
import Gateway
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run as a service: poll the inbox every `gateway.pollSeconds` until stopped.",
    discussion: """
      SIGTERM or SIGINT stops the service gracefully: the mail being handled is finished first. \
      Server outages are retried with backoff; the exit status is non-zero only for problems an admin must fix.
      """)

  @OptionGroup var options: GlobalOptions

  func run() async throws {
    let logger = options.makeLogger()
    let gateway = try await options.openGateway(logger: logger)
    let group = ServiceGroup(configuration: .init(
      services: [.init(service: GatewayService(gateway: gateway, logger: logger))],
      gracefulShutdownSignals: [.sigterm, .sigint],
      logger: logger))
    try await group.run()
  }
}
