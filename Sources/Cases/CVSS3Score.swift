/// The CVSS v3.0 and v3.1 base score equations.
///
/// Weights are section 7.4 and the equations section 7.1 of the FIRST CVSS v3.1 Specification
/// (<https://www.first.org/cvss/v3.1/specification-document>); v3.0 uses the same ones. The two
/// versions differ only in Roundup: v3.1 defines an integer-based Roundup (Appendix A) because a
/// plain ceiling turns floating-point noise such as 0.30000000000000004 into an extra 0.1.
enum CVSS3Score {
  /// The base score in tenths (0...100).
  static func baseTenths(_ vector: CVSSVector) -> Int {
    guard let av = vector["AV"], let ac = vector["AC"], let pr = vector["PR"], let ui = vector["UI"],
          let s = vector["S"], let c = vector["C"], let i = vector["I"], let a = vector["A"]
    else { preconditionFailure("CVSSVector.parse let through a v3 vector without its base metrics") }
    let scopeChanged = s == "C"

    let impactSubScore = 1 - (1 - impactWeight(c)) * (1 - impactWeight(i)) * (1 - impactWeight(a))
    let impact = scopeChanged
      ? 7.52 * (impactSubScore - 0.029) - 3.25 * power(impactSubScore - 0.02, 15)
      : 6.42 * impactSubScore
    let exploitability = 8.22 * attackVectorWeight(av) * attackComplexityWeight(ac)
      * privilegesWeight(pr, scopeChanged: scopeChanged) * userInteractionWeight(ui)

    guard impact > 0 else { return 0 }
    let sum = scopeChanged ? 1.08 * (impact + exploitability) : impact + exploitability
    let capped = min(sum, 10)
    return vector.version == .v3_0 ? roundUpV30Tenths(capped) : roundUpV31Tenths(capped)
  }

  /// CVSS v3.1 Appendix A: work on the input times 100,000 as an integer, so that values a hair
  /// above a tenth because of floating point (4.000000000000001) are not pushed up to the next one.
  static func roundUpV31Tenths(_ value: Double) -> Int {
    let scaled = (value * 100_000).nearestIntegerHalfUp
    return scaled % 10_000 == 0 ? scaled / 10_000 : scaled / 10_000 + 1
  }

  /// CVSS v3.0 specification, base equations: "the smallest number, specified to one decimal place, that is equal
  /// to or higher than its input", computed in floating point as FIRST's v3.0 calculator does.
  static func roundUpV30Tenths(_ value: Double) -> Int {
    (value * 10).ceilingInteger
  }

  private static func attackVectorWeight(_ value: String) -> Double {
    switch value {
    case "N": return 0.85
    case "A": return 0.62
    case "L": return 0.55
    default: return 0.2  // P
    }
  }

  private static func attackComplexityWeight(_ value: String) -> Double {
    value == "L" ? 0.77 : 0.44
  }

  /// Privileges count for more when the attack crosses into another scope.
  private static func privilegesWeight(_ value: String, scopeChanged: Bool) -> Double {
    switch value {
    case "N": return 0.85
    case "L": return scopeChanged ? 0.68 : 0.62
    default: return scopeChanged ? 0.5 : 0.27  // H
    }
  }

  private static func userInteractionWeight(_ value: String) -> Double {
    value == "N" ? 0.85 : 0.62
  }

  private static func impactWeight(_ value: String) -> Double {
    switch value {
    case "H": return 0.56
    case "L": return 0.22
    default: return 0  // N
    }
  }

  /// Left-to-right repeated multiplication; the exponent is a small constant.
  private static func power(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent { result *= base }
    return result
  }
}

/// Integer rounding for the small, non-negative, finite values of CVSS equations, done with
/// truncation and exact subtraction so that `Cases` needs no C math library.
extension Double {
  /// Nearest integer, halves up (what Appendix A's `round_to_nearest_integer` means for scores).
  var nearestIntegerHalfUp: Int {
    let whole = Int(self)
    return self - Double(whole) >= 0.5 ? whole + 1 : whole
  }

  /// Smallest integer not below the value.
  var ceilingInteger: Int {
    let whole = Int(self)
    return Double(whole) < self ? whole + 1 : whole
  }
}
