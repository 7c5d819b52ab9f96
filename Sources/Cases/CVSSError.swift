/// Why a string is not a CVSS vector that Meldpunt can score.
///
/// Text taken from the vector is cut to a few characters, so a hostile report cannot fill a log
/// line through this description.
public enum CVSSError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The string does not start with `CVSS:` followed by a version.
  case missingPrefix
  /// The prefix names a version other than 3.0, 3.1 or 4.0 (CVSS v2 vectors have no prefix at all).
  case unknownVersion(String)
  /// A part between slashes is not of the form `NAME:VALUE`.
  case malformedMetric(String)
  /// The metric name does not exist in this version.
  case unknownMetric(String, version: CVSSVersion)
  /// The metric exists but does not take this value.
  case unknownValue(metric: String, value: String, version: CVSSVersion)
  /// The metric appears more than once.
  case duplicateMetric(String)
  /// These mandatory base metrics are absent, listed in the specification's order.
  case missingMetrics([String], version: CVSSVersion)

  public var description: String {
    switch self {
    case .missingPrefix:
      return "The text is not a CVSS vector: it must start with \"CVSS:3.0/\", \"CVSS:3.1/\" or \"CVSS:4.0/\"."
    case .unknownVersion(let version):
      return "CVSS version \"\(Self.clip(version))\" is not supported; use a CVSS 3.0, 3.1 or 4.0 vector."
    case .malformedMetric(let part):
      return "The vector part \"\(Self.clip(part))\" is not of the form NAME:VALUE, such as AV:N."
    case .unknownMetric(let name, let version):
      return "CVSS \(version.rawValue) has no metric named \"\(Self.clip(name))\"; check the spelling and case."
    case .unknownValue(let metric, let value, let version):
      return "CVSS \(version.rawValue) metric \(metric) has no value \"\(Self.clip(value))\"; check the specification's list for \(metric)."
    case .duplicateMetric(let name):
      return "The vector gives metric \(name) more than once; keep exactly one value for it."
    case .missingMetrics(let names, let version):
      let list = names.joined(separator: ", ")
      return "The CVSS \(version.rawValue) vector lacks the mandatory base metric\(names.count == 1 ? "" : "s") \(list); every base metric needs a value."
    }
  }

  /// Keeps descriptions short however long the offending text is.
  private static func clip(_ text: String) -> String {
    text.count <= 16 ? text : String(text.prefix(16)) + "…"
  }
}
