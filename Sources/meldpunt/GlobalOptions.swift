import ArgumentParser
import Foundation
import Gateway
import Logging

/// Options every command that reads the configuration shares.
struct GlobalOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("The JSON config file (default: $MELDPUNT_CONFIG, else ./meldpunt.json).", valueName: "file"))
  var config: String?

  @Option(name: .long, help: ArgumentHelp("Log detail: trace, debug, info, notice, warning, error (default: $MELDPUNT_LOG_LEVEL, else info). Logs go to standard error and never contain report text or secrets.", valueName: "level"))
  var logLevel: String?

  var configPath: String {
    config ?? ProcessInfo.processInfo.environment["MELDPUNT_CONFIG"] ?? "meldpunt.json"
  }

  func makeLogger() -> Logger {
    let level = (logLevel ?? ProcessInfo.processInfo.environment["MELDPUNT_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
    var logger = Logger(label: "meldpunt") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = level
    return logger
  }

  func loadConfiguration(readSecrets: Bool = true) async throws -> GatewayConfiguration {
    let path = configPath
    guard FileManager.default.fileExists(atPath: path) else {
      throw ValidationError("No config file at \(path). Create one with `meldpunt init --config \(path)`, or name it with --config or MELDPUNT_CONFIG.")
    }
    do { return try await ConfigurationLoader.load(path: path, readSecrets: readSecrets) }
    catch { throw Failure("\(error)") }
  }

  func openGateway(logger: Logger) async throws -> Gateway {
    let configuration = try await loadConfiguration()
    do { return try await Gateway.open(configuration, logger: logger) }
    catch { throw Failure("\(error)") }
  }
}

/// An error printed as its sentence, with exit status 1.
struct Failure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

