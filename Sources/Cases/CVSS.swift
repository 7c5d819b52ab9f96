/// Which CVSS specification a vector string follows, named as in its `CVSS:` prefix.
///
/// v3.0 and v3.1 share metrics and formulas but round differently; v4.0 is scored from
/// MacroVector lookups. See <https://www.first.org/cvss/>.
public enum CVSSVersion: String, Sendable, Codable, CaseIterable {
  case v3_0 = "3.0", v3_1 = "3.1", v4_0 = "4.0"
}

/// A validated CVSS vector with its base score and qualitative severity.
///
/// Only `CVSS.score(_:)` and `CVSS.find(in:)` make one, and decoding re-scores the vector, so
/// the score always belongs to the vector. For v4.0 the score is CVSS-B: threat,
/// environmental and supplemental metrics stay in `vector` but do not change `baseScore`.
public struct CVSSScore: Sendable, Equatable, Codable {
  public let version: CVSSVersion
  /// Prefix plus every defined metric in the specification's order; `X` (Not Defined) values are left out.
  public let vector: String
  /// One decimal place, 0.0 through 10.0.
  public let baseScore: Double
  /// The rating for `baseScore` on the scale every CVSS version shares.
  public let severity: Severity

  init(version: CVSSVersion, vector: String, tenths: Int) {
    self.version = version
    self.vector = vector
    self.baseScore = Double(tenths) / 10
    self.severity = Severity(cvssTenths: tenths)
  }

  private enum CodingKeys: String, CodingKey { case version, vector, baseScore, severity }

  /// Stored scores are recomputed, so a record edited by hand cannot pair a vector with another score.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let vector = try container.decode(String.self, forKey: .vector)
    let stored = try container.decode(Double.self, forKey: .baseScore)
    switch CVSS.parse(vector) {
    case .success(let score) where score.baseScore == stored:
      self = score
    case .success(let score):
      throw DecodingError.dataCorruptedError(
        forKey: .baseScore, in: container,
        debugDescription: "stored base score \(stored) does not match \(score.baseScore) for \(score.vector)")
    case .failure(let error):
      throw DecodingError.dataCorruptedError(forKey: .vector, in: container, debugDescription: error.description)
    }
  }
}

extension Severity {
  /// The Qualitative Severity Rating Scale (CVSS v3.1 specification section 5, v4.0 section 6).
  init(cvssTenths tenths: Int) {
    switch tenths {
    case ...0: self = .none
    case 1...39: self = .low
    case 40...69: self = .medium
    case 70...89: self = .high
    default: self = .critical
    }
  }
}

/// Scores CVSS vectors that reporters put in their reports.
///
/// v3.1 follows the FIRST CVSS v3.1 Specification section 7 with the Roundup of Appendix A;
/// v3.0 follows the v3.0 specification and its plain round-up; v4.0 follows the FIRST CVSS v4.0
/// Specification section 8 (MacroVectors and severity-distance interpolation) as FIRST's calculator
/// implements it. <https://www.first.org/cvss/v3.1/specification-document>,
/// <https://www.first.org/cvss/v4.0/specification-document>.
public enum CVSS {
  /// Scores one vector string such as `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
  ///
  /// Surrounding whitespace is ignored and metrics may come in any order. Metric names and values
  /// are case-sensitive, as the specifications define them.
  public static func score(_ vector: String) throws(CVSSError) -> CVSSScore {
    try parse(vector).get()
  }

  /// Every valid vector in free text, in order of appearance, each normalised vector once.
  ///
  /// Vectors may sit inside sentences, parentheses, quotes or URLs; text that starts like a vector
  /// but does not score is left out.
  public static func find(in text: String) -> [CVSSScore] {
    var found: [CVSSScore] = []
    var seen: Set<String> = []
    for candidate in CVSSVectorScanner.candidates(in: text) {
      // A candidate that fails to parse is prose that happens to contain "CVSS:"; find(in:) reports
      // only what scores, and score(_:) is there for callers who want the reason.
      guard case .success(let score) = parse(candidate), seen.insert(score.vector).inserted else { continue }
      found.append(score)
    }
    return found
  }

  static func parse(_ text: String) -> Result<CVSSScore, CVSSError> {
    switch CVSSVector.parse(text) {
    case .failure(let error):
      return .failure(error)
    case .success(let vector):
      let tenths: Int
      switch vector.version {
      case .v3_0, .v3_1: tenths = CVSS3Score.baseTenths(vector)
      case .v4_0: tenths = CVSS4Score.baseTenths(vector)
      }
      return .success(CVSSScore(version: vector.version, vector: vector.normalized, tenths: tenths))
    }
  }
}
