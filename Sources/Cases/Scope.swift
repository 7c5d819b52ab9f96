/// Whether a report is about something the organisation's policy covers.
public enum ScopeVerdict: String, Sendable, Codable, CaseIterable {
  case inScope, outOfScope, unknown
}

/// The scope published in the policy: host patterns (`portal.example.org`,
/// `*.example.org`), URL prefixes (`https://example.org/app/`) and product names.
public struct ScopePolicy: Sendable, Equatable {
  public var inScope: [String]
  public var outOfScope: [String]

  public init(inScope: [String] = [], outOfScope: [String] = []) {
    self.inScope = inScope
    self.outOfScope = outOfScope
  }

  /// In scope when any asset matches an in-scope entry that no out-of-scope entry
  /// overrides; out of scope when every matched asset is excluded; else unknown.
  public func judge(assets: [String]) -> ScopeVerdict {
    var sawOut = false
    for asset in assets {
      let out = outOfScope.contains { Self.matches(asset, $0) }
      if out { sawOut = true; continue }
      if inScope.contains(where: { Self.matches(asset, $0) }) { return .inScope }
    }
    return sawOut ? .outOfScope : .unknown
  }

  static func matches(_ asset: String, _ pattern: String) -> Bool {
    let asset = asset.lowercased().trimmingCharacters(in: .whitespaces)
    let pattern = pattern.lowercased().trimmingCharacters(in: .whitespaces)
    guard !asset.isEmpty, !pattern.isEmpty else { return false }
    if pattern.contains("://") {
      // A URL prefix: the asset URL must start with it (or be the same host URL).
      return asset.hasPrefix(pattern) || (asset + "/").hasPrefix(pattern)
    }
    let host = Self.host(of: asset)
    if pattern.hasPrefix("*.") {
      let domain = String(pattern.dropFirst(2))
      return host.hasSuffix("." + domain)
    }
    return host == pattern || asset == pattern
  }

  /// The host of a URL, or the text itself.
  static func host(of asset: String) -> String {
    guard let range = asset.range(of: "://") else { return asset }
    let rest = asset[range.upperBound...]
    let hostPort = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let host = hostPort.split(separator: "@").last.map(String.init) ?? String(hostPort)
    if host.hasPrefix("[") { return host }
    return String(host.split(separator: ":").first ?? Substring(host))
  }
}
