import Cases
import Foundation
import Logging
import ServiceLifecycle

/// Why the service stopped by itself.
public struct ServiceStop: Error, CustomStringConvertible {
  public let reason: String
  public var description: String { reason }
}

/// `meldpunt run`: polls the inbox until a graceful shutdown (SIGTERM, SIGINT).
///
/// A shutdown never interrupts a pass: the mail in hand is finished (committed,
/// acknowledged, filed), then the service returns. Only the wait between passes
/// is cut short.
public struct GatewayService: Service {
  let gateway: Gateway
  let logger: Logger

  public init(gateway: Gateway, logger: Logger) {
    self.gateway = gateway
    self.logger = logger
  }

  public func run() async throws {
    logger.info("Meldpunt running", metadata: ["poll.seconds": "\(gateway.configuration.pollSeconds)"])
    var lastProblem: String?
    var warned: [String: String] = [:]
    var keysCheckedAt = Date.distantPast
    while !Task.isShuttingDownGracefully && !Task.isCancelled {
      // Once a day: gateway keys about to expire.
      if Date().timeIntervalSince(keysCheckedAt) > 86_400 {
        keysCheckedAt = Date()
        for key in await gateway.expiringKeys() {
          logger.warning("Gateway key expires soon; run `meldpunt keys rotate` and publish again", metadata: [
            "pgp.key": "\(key.fingerprint)", "expires": "\(UTCDate.day(key.expires))",
          ])
        }
      }
      let summary = await gateway.processOnce()
      if let fatal = summary.adminMustFix {
        logger.critical("Stopping: an admin must fix this", metadata: ["problem": "\(fatal)"])
        throw ServiceStop(reason: fatal)
      }
      // Promises about to be broken, once per change of their state.
      for (caseID, promise) in await gateway.promisesAtRisk() {
        let key = "\(caseID)/\(promise.kind)"
        if warned[key] != "\(promise.state)" {
          warned[key] = "\(promise.state)"
          logger.warning("Promise to the reporter at risk", metadata: [
            "case.id": "\(caseID)", "promise.kind": "\(promise.kind)", "promise.state": "\(promise.state)",
            "promise.due": "\(UTCDate.day(promise.due))",
          ])
          await gateway.queueWebhooks(.overdue, caseID: caseID)
        }
      }
      // Log a change of state once, not every failed retry. While mail waits, the wording
      // of the problem varies with the step that met it (a fetch, a move, the listing), so
      // only the first one is a warning.
      let problem = summary.unfinished.first
      if problem != lastProblem {
        if let problem {
          if lastProblem == nil { logger.warning("Mail is waiting", metadata: ["problem": "\(problem)"]) }
          else { logger.debug("Mail is still waiting", metadata: ["problem": "\(problem)"]) }
        } else if lastProblem != nil { logger.notice("All caught up again") }
        lastProblem = problem
      }
      let seconds = gateway.configuration.pollSeconds
      try? await cancelWhenGracefulShutdown {
        try await Task.sleep(for: .seconds(seconds))
      }
    }
    logger.info("Meldpunt stopped")
  }
}
