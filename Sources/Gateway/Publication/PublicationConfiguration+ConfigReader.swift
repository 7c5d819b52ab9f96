import Configuration

extension PublicationConfiguration {
  /// Reads the `publish.*` keys: `publish.baseURL`, `publish.contacts` (array),
  /// `publish.acknowledgments`, `publish.hiring`, `publish.expiresDays`.
  /// Each can come from the environment as well, e.g. `MELDPUNT_PUBLISH_BASE_URL`.
  public init(reader: ConfigReader) throws(ConfigurationError) {
    let days = reader.int(forKey: "publish.expiresDays", default: 365)
    guard (1...365).contains(days) else {
      throw .invalid(key: "publish.expiresDays", detail: "use 1 to 365: RFC 9116 advises an Expires less than a year ahead")
    }
    func url(_ key: String) -> String? {
      guard let value = reader.string(forKey: ConfigKey(key)), !value.isEmpty else { return nil }
      return value
    }
    self.init(baseURL: url("publish.baseURL"), extraContacts: reader.stringArray(forKey: "publish.contacts") ?? [],
              acknowledgments: url("publish.acknowledgments"), hiring: url("publish.hiring"), expiresDays: days)
  }
}

extension PublicationConfiguration {
  /// Reads the `publish.*` keys from the config file at `path` (nil: environment only)
  /// and the environment, the same sources `ConfigurationLoader.load` uses.
  public static func load(path: String?, environment: [String: String]) async throws(ConfigurationError) -> PublicationConfiguration {
    var providers: [any ConfigProvider] = [
      EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ConfigKey("meldpunt")),
    ]
    if let path {
      do { providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(path))) }
      catch { throw .cannotParse(path: path, detail: String(describing: error)) }
    }
    return try PublicationConfiguration(reader: ConfigReader(providers: providers))
  }
}
