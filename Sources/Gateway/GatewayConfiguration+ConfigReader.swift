import Cases
import Configuration
import MIME
import Foundation
import OpenPGP

import Transport

/// Why the configuration could not be used; each says which key to fix.
public enum ConfigurationError: Error, Sendable, CustomStringConvertible {
  case missing(key: String)
  case unreadableFile(key: String, path: String, detail: String)
  case secretInConfigFile(key: String)
  case invalid(key: String, detail: String)
  case cannotParse(path: String, detail: String)

  public var description: String {
    switch self {
    case .missing(let key):
      return "The configuration has no `\(key)`; set it in the config file or as \(ConfigurationLoader.environmentName(key))."
    case .unreadableFile(let key, let path, let detail):
      return "Cannot read \(path) (named by `\(key)`): \(detail)."
    case .secretInConfigFile(let key):
      return "`\(key)` must not be written in the config file; put the secret in a file named by `\(key)File`, or in the environment as \(ConfigurationLoader.environmentName(key))."
    case .invalid(let key, let detail):
      return "`\(key)` is not valid: \(detail)."
    case .cannotParse(let path, let detail):
      return "The config file \(path) is not valid JSON: \(detail)."
    }
  }
}

/// Reads `GatewayConfiguration` with swift-configuration: the JSON config file, with
/// every key overridable from the environment (`imap.passwordFile` as
/// `MELDPUNT_IMAP_PASSWORD_FILE`).
///
/// Keys: `imap.url`, `imap.user`, `imap.passwordFile`, `imap.processedFolder`,
/// `imap.quarantineFolder`, `smtp.url`, `smtp.user`, `smtp.passwordFile`,
/// `gateway.address`, `gateway.organisation`, `gateway.policyURL`, `gateway.signingKey`,
/// `gateway.pollSeconds`, `gateway.acceptPlaintext`, `gnupg.home`, `gnupg.passphraseFile`,
/// `database.path`, `database.storeReportText`, `tls.caFile`, `limits.maxMessageBytes`,
/// `limits.maxHeaderBytes`, `limits.maxParts`, `limits.maxDepth`, `limits.maxDecryptedBytes`,
/// `timeline.preset`, `timeline.defaultFixDays`, `timeline.triageWorkingDays`, `timeline.fixDays.<severity>`,
/// `timeline.acknowledgeWorkingDays`, `timeline.maxExtensionDays`, `timeline.disclosureDelayDays`,
/// `timeline.extraHolidays`, `timeline.dutchHolidays`, `timeline.timeZone`, `timeline.warnWorkingDays`,
/// `scope.inScope`, `scope.outOfScope`, `mail.language`, `mail.templatesDirectory`,
/// `mail.noticeOnUnreadable`, `mail.statusMails`, `mail.maxPerSenderPerDay`, `mail.retrySeconds`, `policy.safeHarbour`,
/// `gateway.keyURL`, `team.addresses`, `team.keyFiles`, `team.withoutKey`, `webhooks.names`,
/// `webhooks.<name>.url`, `webhooks.<name>.secretFile`, `webhooks.<name>.events`.
/// Secrets only from files or the environment: `MELDPUNT_IMAP_PASSWORD`,
/// `MELDPUNT_SMTP_PASSWORD`, `MELDPUNT_GNUPG_PASSPHRASE`.
public enum ConfigurationLoader {
  public static func environmentName(_ key: String) -> String {
    var out = "MELDPUNT"
    for component in key.split(separator: ".") {
      out += "_"
      var previousLower = false
      for ch in component {
        if ch.isUppercase && previousLower { out += "_" }
        out += ch.isLetter || ch.isNumber ? ch.uppercased() : "_"
        previousLower = ch.isLowercase
      }
    }
    return out
  }

  /// Loads the config file at `path` (may be nil: environment only) and the environment.
  /// With `readSecrets` false the password and passphrase files are not read (for
  /// commands that only need the database).
  public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                          readSecrets: Bool = true) async throws(ConfigurationError) -> GatewayConfiguration
  {
    let env = EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ConfigKey("meldpunt"))
    var providers: [any ConfigProvider] = [env]
    var baseDirectory = FileManager.default.currentDirectoryPath
    if let path {
      let absolute = path.hasPrefix("/") ? path : baseDirectory + "/" + path
      baseDirectory = (absolute as NSString).deletingLastPathComponent
      do {
        let file = try await FileProvider<JSONSnapshot>(filePath: .init(absolute))
        // Secrets never come from the config file itself.
        let fileOnly = ConfigReader(provider: file)
        for key in ["imap.password", "smtp.password", "gnupg.passphrase"] where fileOnly.string(forKey: ConfigKey(key)) != nil {
          throw ConfigurationError.secretInConfigFile(key: key)
        }
        providers.append(file)
      } catch let error as ConfigurationError {
        throw error
      } catch {
        throw .cannotParse(path: absolute, detail: String(describing: error))
      }
    }
    let reader = ConfigReader(providers: providers)
    let secrets = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ConfigKey("meldpunt")))
    return try GatewayConfiguration(reader: reader, secrets: secrets, baseDirectory: baseDirectory, readSecrets: readSecrets)
  }
}

extension GatewayConfiguration {
  /// Builds the configuration from `reader`; secrets come from files it names or from `secrets` (the environment).
  init(reader: ConfigReader, secrets: ConfigReader, baseDirectory: String, readSecrets: Bool = true) throws(ConfigurationError) {
    func required(_ key: String) throws(ConfigurationError) -> String {
      guard let value = reader.string(forKey: ConfigKey(key)), !value.isEmpty else { throw .missing(key: key) }
      return value
    }
    func path(_ key: String) -> String? {
      guard let value = reader.string(forKey: ConfigKey(key)), !value.isEmpty else { return nil }
      return value.hasPrefix("/") ? value : baseDirectory + "/" + value
    }
    func secret(_ key: String) throws(ConfigurationError) -> String? {
      if let value = secrets.string(forKey: ConfigKey(key), isSecret: true) { return value }
      guard readSecrets, let file = path(key + "File") else { return nil }
      guard FileManager.default.fileExists(atPath: file) else {
        throw .unreadableFile(key: key + "File", path: file, detail: "the file does not exist")
      }
      do {
        var text = try String(contentsOfFile: file, encoding: .utf8)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
      } catch {
        throw .unreadableFile(key: key + "File", path: file, detail: "it is not readable UTF-8 text, or access was denied")
      }
    }
    let caFile = path("tls.caFile")
    let imap = ServerEndpoint(url: try required("imap.url"), user: reader.string(forKey: "imap.user"),
                              password: try secret("imap.password"), caFile: caFile)
    let smtp = ServerEndpoint(url: try required("smtp.url"), user: reader.string(forKey: "smtp.user"),
                              password: try secret("smtp.password"), caFile: caFile)
    let address = try required("gateway.address")
    let signingKey = reader.string(forKey: "gateway.signingKey")
    // A name or an address would let whoever adds a key with that user ID choose the signer.
    if let signingKey, !(Fingerprint(signingKey).isFull && Fingerprint(signingKey).hex.count == signingKey.filter({ !$0.isWhitespace }).count) {
      throw .invalid(key: "gateway.signingKey", detail: "give the key's full fingerprint (40 or 64 hex digits, see `meldpunt keys list`), not a name or an address")
    }
    guard address.contains("@"), !address.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
      throw .invalid(key: "gateway.address", detail: "write a plain address such as security@example.org")
    }
    let timeline = try Self.timelinePolicy(reader)
    guard let home = path("gnupg.home") else { throw .missing(key: "gnupg.home") }
    guard let database = path("database.path") else { throw .missing(key: "database.path") }
    self.init(
      imap: imap,
      processedFolder: reader.string(forKey: "imap.processedFolder", default: "Processed"),
      quarantineFolder: reader.string(forKey: "imap.quarantineFolder", default: "Quarantine"),
      smtp: smtp, address: address,
      organisation: reader.string(forKey: "gateway.organisation", default: String(address.split(separator: "@").last ?? "")),
      policyURL: reader.string(forKey: "gateway.policyURL"),
      gnupgHome: home, passphrase: try secret("gnupg.passphrase"),
      signingKey: signingKey.map { Fingerprint($0).hex },
      databasePath: database,
      storeReportText: reader.bool(forKey: "database.storeReportText", default: true),
      timeline: timeline,
      pollSeconds: max(1, reader.int(forKey: "gateway.pollSeconds", default: 60)),
      maxMessageBytes: reader.int(forKey: "limits.maxMessageBytes", default: 50 * 1024 * 1024),
      limits: MIMELimits(maxHeaderBytes: reader.int(forKey: "limits.maxHeaderBytes", default: MIMELimits.default.maxHeaderBytes),
                         maxParts: reader.int(forKey: "limits.maxParts", default: MIMELimits.default.maxParts),
                         maxDepth: reader.int(forKey: "limits.maxDepth", default: MIMELimits.default.maxDepth)),
      maxDecryptedBytes: reader.int(forKey: "limits.maxDecryptedBytes", default: 64 * 1024 * 1024),
      acceptPlaintext: reader.bool(forKey: "gateway.acceptPlaintext", default: true))
    scope = ScopePolicy(inScope: reader.stringArray(forKey: "scope.inScope") ?? [],
                        outOfScope: reader.stringArray(forKey: "scope.outOfScope") ?? [])
    overdueWarningWorkingDays = reader.int(forKey: "timeline.warnWorkingDays", default: 2)
    mailLanguage = reader.string(forKey: "mail.language", default: "en")
    templatesDirectory = path("mail.templatesDirectory")
    noticeOnUnreadable = reader.bool(forKey: "mail.noticeOnUnreadable", default: true)
    statusMails = reader.bool(forKey: "mail.statusMails", default: true)
    maxMailsPerSenderPerDay = reader.int(forKey: "mail.maxPerSenderPerDay", default: 10)
    safeHarbour = reader.string(forKey: "policy.safeHarbour")
    keyURL = reader.string(forKey: "gateway.keyURL")
    retrySeconds = max(1, reader.int(forKey: "mail.retrySeconds", default: 60))
    wkdLookup = reader.bool(forKey: "keys.wkdLookup", default: true)
    keyWarningDays = reader.int(forKey: "keys.warnDays", default: 30)
    team.addresses = reader.stringArray(forKey: "team.addresses") ?? []
    team.keyFiles = (reader.stringArray(forKey: "team.keyFiles") ?? []).map { $0.hasPrefix("/") ? $0 : baseDirectory + "/" + $0 }
    team.withoutKey = reader.string(forKey: "team.withoutKey", default: "summary")
    guard ["summary", "nothing"].contains(team.withoutKey) else {
      throw .invalid(key: "team.withoutKey", detail: "use summary or nothing")
    }
    for address in team.addresses where !MailAddress.plausible(address) {
      throw .invalid(key: "team.addresses", detail: "\(address) is not a plain mail address")
    }
    for name in reader.stringArray(forKey: "webhooks.names") ?? [] {
      let url = try required("webhooks.\(name).url")
      guard let secret = try secret("webhooks.\(name).secret") ?? (readSecrets ? nil : "") else {
        throw .missing(key: "webhooks.\(name).secretFile")
      }
      let names = reader.stringArray(forKey: ConfigKey("webhooks.\(name).events")) ?? WebhookConfiguration.Event.allCases.map(\.rawValue)
      var events: Set<WebhookConfiguration.Event> = []
      for event in names {
        guard let parsed = WebhookConfiguration.Event(rawValue: event) else {
          throw .invalid(key: "webhooks.\(name).events", detail: "\(event) is not one of newCase, followUp, stateChange, overdue")
        }
        events.insert(parsed)
      }
      webhooks.append(WebhookConfiguration(name: name, url: url, secret: secret, events: events))
    }
    // Fail at start, not at the first mail, when a template is missing.
    _ = try MailLibrary(directory: templatesDirectory, defaultLanguage: mailLanguage)
  }

  /// `timeline.preset` (ncsc, project-zero, zdi, cert-cc) as the base, then each key overrides it.
  static func timelinePolicy(_ reader: ConfigReader) throws(ConfigurationError) -> TimelinePolicy {
    var policy = TimelinePolicy.ncscDefault
    if let name = reader.string(forKey: "timeline.preset") {
      guard let preset = TimelinePreset.named(name) else {
        throw .invalid(key: "timeline.preset", detail: "use one of \(TimelinePreset.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      policy = preset.policy
    }
    for severity in Severity.allCases {
      if let days = reader.int(forKey: ConfigKey("timeline.fixDays.\(severity.rawValue)")) { policy.fixDays[severity] = days }
    }
    policy.defaultFixDays = reader.int(forKey: "timeline.defaultFixDays", default: policy.defaultFixDays)
    policy.triageWorkingDays = reader.int(forKey: "timeline.triageWorkingDays", default: policy.triageWorkingDays)
    policy.acknowledgeWorkingDays = reader.int(forKey: "timeline.acknowledgeWorkingDays", default: policy.acknowledgeWorkingDays)
    policy.maxExtensionDays = reader.int(forKey: "timeline.maxExtensionDays", default: policy.maxExtensionDays)
    policy.disclosureDelayDays = reader.int(forKey: "timeline.disclosureDelayDays", default: policy.disclosureDelayDays)
    let extra = Set(reader.stringArray(forKey: "timeline.extraHolidays") ?? [])
    var calendar = HolidayCalendar(publicHolidays: reader.bool(forKey: "timeline.dutchHolidays", default: true) ? .netherlands : nil,
                                   extraDates: extra)
    if let zone = reader.string(forKey: "timeline.timeZone") {
      guard let timeZone = TimeZone(identifier: zone) else { throw .invalid(key: "timeline.timeZone", detail: "\(zone) is not a time zone name such as Europe/Amsterdam") }
      calendar.timeZone = timeZone
    }
    if let bad = calendar.invalidExtraDates.first {
      throw .invalid(key: "timeline.extraHolidays", detail: "\(bad) is not a date written as YYYY-MM-DD")
    }
    policy.calendar = calendar
    return policy
  }
}
