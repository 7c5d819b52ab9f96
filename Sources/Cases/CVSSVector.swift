/// A vector string split into validated metrics, before any scoring.
///
/// Every metric named here has a value from its specification's list, no metric repeats, and all
/// mandatory base metrics are present, so the scorers can read values without checking again.
struct CVSSVector: Sendable, Equatable {
  let version: CVSSVersion
  /// Metric name to value, as written (including explicit `X`).
  let values: [String: String]

  subscript(metric: String) -> String? { values[metric] }

  /// `CVSS:<version>/` plus the defined metrics in the specification's order.
  var normalized: String {
    var parts = ["CVSS:" + version.rawValue]
    for definition in CVSSMetricDefinition.all(for: version) {
      guard let value = values[definition.name], value != "X" else { continue }
      parts.append(definition.name + ":" + value)
    }
    return parts.joined(separator: "/")
  }

  static func parse(_ text: String) -> Result<CVSSVector, CVSSError> {
    var start = text.startIndex, end = text.endIndex
    while start < end, text[start].isWhitespace { start = text.index(after: start) }
    while end > start, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
    let parts = text[start..<end].split(separator: "/", omittingEmptySubsequences: false)
    guard let head = parts.first, head.hasPrefix("CVSS:") else { return .failure(.missingPrefix) }
    let versionText = head.dropFirst("CVSS:".count)
    guard let version = CVSSVersion(rawValue: String(versionText)) else {
      return .failure(.unknownVersion(String(versionText)))
    }
    let definitions = CVSSMetricDefinition.byName(for: version)
    var values: [String: String] = [:]
    for part in parts.dropFirst() {
      let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
      guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
        return .failure(.malformedMetric(String(part)))
      }
      let name = String(pieces[0]), value = String(pieces[1])
      guard let definition = definitions[name] else { return .failure(.unknownMetric(name, version: version)) }
      guard definition.values.contains(value) else {
        return .failure(.unknownValue(metric: name, value: value, version: version))
      }
      guard values.updateValue(value, forKey: name) == nil else { return .failure(.duplicateMetric(name)) }
    }
    let missing = CVSSMetricDefinition.all(for: version).filter { $0.mandatory && values[$0.name] == nil }
    guard missing.isEmpty else { return .failure(.missingMetrics(missing.map(\.name), version: version)) }
    return .success(CVSSVector(version: version, values: values))
  }
}

/// One metric of a vector string: its abbreviation, allowed values and whether it is mandatory.
///
/// The lists follow the specifications' "Vector String" sections (CVSS v3.1 section 6, CVSS v4.0
/// section 7), in the order they give, which is also the order of a normalised vector.
struct CVSSMetricDefinition: Sendable {
  let name: String
  let values: Set<String>
  let mandatory: Bool

  private init(_ name: String, _ values: [String], mandatory: Bool = false) {
    self.name = name
    self.values = Set(values)
    self.mandatory = mandatory
  }

  static func all(for version: CVSSVersion) -> [CVSSMetricDefinition] {
    switch version {
    case .v3_0, .v3_1: return v3
    case .v4_0: return v4
    }
  }

  static func byName(for version: CVSSVersion) -> [String: CVSSMetricDefinition] {
    switch version {
    case .v3_0, .v3_1: return v3ByName
    case .v4_0: return v4ByName
    }
  }

  private static let v3ByName = Dictionary(uniqueKeysWithValues: v3.map { ($0.name, $0) })
  private static let v4ByName = Dictionary(uniqueKeysWithValues: v4.map { ($0.name, $0) })

  /// CVSS v3.0 and v3.1: base (mandatory), temporal, environmental.
  private static let v3: [CVSSMetricDefinition] = [
    .init("AV", ["N", "A", "L", "P"], mandatory: true),
    .init("AC", ["L", "H"], mandatory: true),
    .init("PR", ["N", "L", "H"], mandatory: true),
    .init("UI", ["N", "R"], mandatory: true),
    .init("S", ["U", "C"], mandatory: true),
    .init("C", ["H", "L", "N"], mandatory: true),
    .init("I", ["H", "L", "N"], mandatory: true),
    .init("A", ["H", "L", "N"], mandatory: true),
    .init("E", ["X", "H", "F", "P", "U"]),
    .init("RL", ["X", "U", "W", "T", "O"]),
    .init("RC", ["X", "C", "R", "U"]),
    .init("CR", ["X", "H", "M", "L"]),
    .init("IR", ["X", "H", "M", "L"]),
    .init("AR", ["X", "H", "M", "L"]),
    .init("MAV", ["X", "N", "A", "L", "P"]),
    .init("MAC", ["X", "L", "H"]),
    .init("MPR", ["X", "N", "L", "H"]),
    .init("MUI", ["X", "N", "R"]),
    .init("MS", ["X", "U", "C"]),
    .init("MC", ["X", "H", "L", "N"]),
    .init("MI", ["X", "H", "L", "N"]),
    .init("MA", ["X", "H", "L", "N"]),
  ]

  /// CVSS v4.0: base (mandatory), threat, environmental, supplemental.
  private static let v4: [CVSSMetricDefinition] = [
    .init("AV", ["N", "A", "L", "P"], mandatory: true),
    .init("AC", ["L", "H"], mandatory: true),
    .init("AT", ["N", "P"], mandatory: true),
    .init("PR", ["N", "L", "H"], mandatory: true),
    .init("UI", ["N", "P", "A"], mandatory: true),
    .init("VC", ["H", "L", "N"], mandatory: true),
    .init("VI", ["H", "L", "N"], mandatory: true),
    .init("VA", ["H", "L", "N"], mandatory: true),
    .init("SC", ["H", "L", "N"], mandatory: true),
    .init("SI", ["H", "L", "N"], mandatory: true),
    .init("SA", ["H", "L", "N"], mandatory: true),
    .init("E", ["X", "A", "P", "U"]),
    .init("CR", ["X", "H", "M", "L"]),
    .init("IR", ["X", "H", "M", "L"]),
    .init("AR", ["X", "H", "M", "L"]),
    .init("MAV", ["X", "N", "A", "L", "P"]),
    .init("MAC", ["X", "L", "H"]),
    .init("MAT", ["X", "N", "P"]),
    .init("MPR", ["X", "N", "L", "H"]),
    .init("MUI", ["X", "N", "P", "A"]),
    .init("MVC", ["X", "H", "L", "N"]),
    .init("MVI", ["X", "H", "L", "N"]),
    .init("MVA", ["X", "H", "L", "N"]),
    .init("MSC", ["X", "H", "L", "N"]),
    .init("MSI", ["X", "S", "H", "L", "N"]),
    .init("MSA", ["X", "S", "H", "L", "N"]),
    .init("S", ["X", "N", "P"]),
    .init("AU", ["X", "N", "Y"]),
    .init("R", ["X", "A", "U", "I"]),
    .init("V", ["X", "D", "C"]),
    .init("RE", ["X", "L", "M", "H"]),
    .init("U", ["X", "Clear", "Green", "Amber", "Red"]),
  ]
}
