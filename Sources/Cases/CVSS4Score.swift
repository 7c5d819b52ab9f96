/// The CVSS v4.0 base score (CVSS-B), per section 8 of the FIRST CVSS v4.0 Specification
/// (<https://www.first.org/cvss/v4.0/specification-document>).
///
/// A vector falls into one MacroVector: six equivalence classes (EQ1–EQ6), each a level where 0 is
/// most severe. The MacroVector's score comes from FIRST's table. Within a MacroVector, vectors
/// less severe than its most severe ones score lower: for each EQ, the vector's severity distance
/// from the most severe vectors, as a share of the EQ level's depth, times the score drop to the
/// next lower MacroVector in that EQ; the mean of those drops is subtracted.
///
/// Arithmetic is exact (integers and one fraction) and rounds half up at the end. FIRST's
/// calculator uses floating point plus a 1e-6 nudge before rounding, which exists to give the
/// same results as exact arithmetic where floating point lands just below an x.x5 tie.
enum CVSS4Score {
  /// The CVSS-B score in tenths (0...100). Threat and environmental metrics are not applied:
  /// exploit maturity counts as Attacked and every security requirement as High, the
  /// specification's defaults when those metrics are Not Defined.
  static func baseTenths(_ vector: CVSSVector) -> Int {
    var values: [String: String] = ["CR": "H", "IR": "H", "AR": "H"]
    for name in ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"] {
      guard let value = vector[name] else {
        preconditionFailure("CVSSVector.parse let through a v4.0 vector without \(name)")
      }
      values[name] = value
    }
    // No impact on either system scores 0, whatever the MacroVector says (as FIRST's calculator does).
    if ["VC", "VI", "VA", "SC", "SI", "SA"].allSatisfy({ values[$0] == "N" }) { return 0 }
    return tenths(levels: levels(of: values), exploitMaturity: 0)
  }

  /// The score of a vector with some impact, from the severity levels of its effective metric
  /// values (AV through SA plus CR, IR and AR) and its EQ5 level.
  static func tenths(levels: [String: Int], exploitMaturity eq5: Int) -> Int {
    func level(_ metric: String) -> Int {
      guard let level = levels[metric] else { preconditionFailure("no severity level for \(metric)") }
      return level
    }

    let macro = MacroVector(
      eq1: eq1(av: level("AV"), pr: level("PR"), ui: level("UI")),
      eq2: level("AC") == 0 && level("AT") == 0 ? 0 : 1,
      eq3: eq3(vc: level("VC"), vi: level("VI"), va: level("VA")),
      eq4: eq4(sc: level("SC"), si: level("SI"), sa: level("SA")),
      eq5: eq5,
      eq6: (level("CR") == 0 && level("VC") == 0) || (level("IR") == 0 && level("VI") == 0)
        || (level("AR") == 0 && level("VA") == 0) ? 0 : 1)
    guard let top = macro.scoreTenths else {
      preconditionFailure("MacroVector \(macro.key) is missing from the lookup table")
    }

    // Each EQ that has a lower MacroVector contributes drop × distance / depth to the mean;
    // EQ5 has one but always contributes 0 (its depth is a single level).
    var reduction = Fraction.zero
    var contributors = 0
    func contribute(lower: Int?, distance: Int, depth: Int?) {
      guard let lower else { return }
      contributors += 1
      guard let depth, depth > 0 else { return }
      reduction = reduction + Fraction((top - lower) * distance, depth)
    }
    contribute(lower: macro.with(eq1: macro.eq1 + 1).scoreTenths,
               distance: distance(levels, CVSS4Tables.parsedEq1Maxima[macro.eq1]),
               depth: CVSS4Tables.eq1Depth[macro.eq1])
    contribute(lower: macro.with(eq2: macro.eq2 + 1).scoreTenths,
               distance: distance(levels, CVSS4Tables.parsedEq2Maxima[macro.eq2]),
               depth: CVSS4Tables.eq2Depth[macro.eq2])
    contribute(lower: macro.lowerEq3eq6ScoreTenths,
               distance: distance(levels, CVSS4Tables.parsedEq3eq6Maxima[macro.eq3][macro.eq6]),
               depth: CVSS4Tables.eq3eq6Depth[macro.eq3][macro.eq6])
    contribute(lower: macro.with(eq4: macro.eq4 + 1).scoreTenths,
               distance: distance(levels, CVSS4Tables.parsedEq4Maxima[macro.eq4]),
               depth: CVSS4Tables.eq4Depth[macro.eq4])
    contribute(lower: macro.with(eq5: macro.eq5 + 1).scoreTenths, distance: 0, depth: nil)

    let mean = contributors == 0 ? Fraction.zero : reduction / contributors
    let score = Fraction(top, 1) - mean
    return min(max(score.roundedHalfUp, 0), 100)
  }

  private static func levels(of values: [String: String]) -> [String: Int] {
    var levels: [String: Int] = [:]
    for (metric, value) in values {
      guard let level = CVSS4Tables.levels[metric]?[value] else {
        preconditionFailure("no severity level for \(metric):\(value)")
      }
      levels[metric] = level
    }
    return levels
  }

  /// EQ1 from AV, PR and UI: 0 when all are None/Network, 2 when physical or none of them is.
  private static func eq1(av: Int, pr: Int, ui: Int) -> Int {
    if av == 0 && pr == 0 && ui == 0 { return 0 }
    if (av == 0 || pr == 0 || ui == 0) && av != 3 { return 1 }
    return 2
  }

  /// EQ3 from the vulnerable system's impacts: 0 when C and I are High, 1 when any is High.
  private static func eq3(vc: Int, vi: Int, va: Int) -> Int {
    if vc == 0 && vi == 0 { return 0 }
    if vc == 0 || vi == 0 || va == 0 { return 1 }
    return 2
  }

  /// EQ4 from the subsequent system's impacts: 0 for Safety, 1 when any is High.
  private static func eq4(sc: Int, si: Int, sa: Int) -> Int {
    if si == 0 || sa == 0 { return 0 }
    if sc == 1 || si == 1 || sa == 1 { return 1 }
    return 2
  }

  /// The severity distance, in steps, from the first of `maxima` that the vector does not
  /// exceed in any metric. FIRST's calculator searches the combinations of all EQs' maxima in
  /// nested order; since a combination fits exactly when each part fits, taking the first fitting
  /// maximum per EQ finds the same one. Every vector fits some maximum of its own MacroVector;
  /// should none fit, the last is used rather than failing.
  private static func distance(_ levels: [String: Int], _ maxima: [[String: Int]]) -> Int {
    var steps: [Int] = []
    for maximum in maxima {
      steps = maximum.map { metric, top in (levels[metric] ?? top) - top }
      if steps.allSatisfy({ $0 >= 0 }) { break }
    }
    return steps.reduce(0, +)
  }
}

/// The six EQ levels of a CVSS v4.0 vector.
private struct MacroVector {
  var eq1, eq2, eq3, eq4, eq5, eq6: Int

  var key: String { "\(eq1)\(eq2)\(eq3)\(eq4)\(eq5)\(eq6)" }

  var scoreTenths: Int? { CVSS4Tables.macroVectorTenths[key] }

  func with(eq1: Int? = nil, eq2: Int? = nil, eq4: Int? = nil, eq5: Int? = nil) -> MacroVector {
    var copy = self
    copy.eq1 = eq1 ?? self.eq1
    copy.eq2 = eq2 ?? self.eq2
    copy.eq4 = eq4 ?? self.eq4
    copy.eq5 = eq5 ?? self.eq5
    return copy
  }

  /// EQ3 and EQ6 move together: from 00 two lower MacroVectors exist (01 and 10) and the higher
  /// scoring one counts; 01 and 10 lead to 11, 11 to 21, and 21 has none.
  var lowerEq3eq6ScoreTenths: Int? {
    func score(eq3: Int, eq6: Int) -> Int? {
      var copy = self
      copy.eq3 = eq3
      copy.eq6 = eq6
      return copy.scoreTenths
    }
    switch (eq3, eq6) {
    case (0, 0):
      let candidates = [score(eq3: 0, eq6: 1), score(eq3: 1, eq6: 0)].compactMap { $0 }
      return candidates.max()
    case (0, 1), (1, 0): return score(eq3: 1, eq6: 1)
    case (1, 1): return score(eq3: 2, eq6: 1)
    default: return nil
    }
  }
}

/// A non-negative rational number, enough for the mean of a few small fractions without rounding.
private struct Fraction {
  var numerator: Int
  var denominator: Int

  static let zero = Fraction(0, 1)

  init(_ numerator: Int, _ denominator: Int) {
    self.numerator = numerator
    self.denominator = denominator
  }

  static func + (a: Fraction, b: Fraction) -> Fraction {
    Fraction(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
  }

  static func - (a: Fraction, b: Fraction) -> Fraction {
    Fraction(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator)
  }

  static func / (a: Fraction, divisor: Int) -> Fraction {
    Fraction(a.numerator, a.denominator * divisor)
  }

  /// Nearest integer, halves rounded up: floor((2n + d) / 2d), with floor division for negatives.
  var roundedHalfUp: Int {
    let twice = 2 * numerator + denominator, by = 2 * denominator
    let quotient = twice / by
    return twice % by < 0 ? quotient - 1 : quotient
  }
}

extension CVSS4Tables {
  static let macroVectorTenths: [String: Int] = macroVectorScores.mapValues { ($0 * 10).nearestIntegerHalfUp }

  static let parsedEq1Maxima = eq1Maxima.map { $0.map(parseMaximum) }
  static let parsedEq2Maxima = eq2Maxima.map { $0.map(parseMaximum) }
  static let parsedEq3eq6Maxima = eq3eq6Maxima.map { $0.map { $0.map(parseMaximum) } }
  static let parsedEq4Maxima = eq4Maxima.map { $0.map(parseMaximum) }

  /// "AV:N/PR:N/UI:N" to severity levels; the strings are the constant tables above.
  private static func parseMaximum(_ text: String) -> [String: Int] {
    var result: [String: Int] = [:]
    for part in text.split(separator: "/") {
      let pieces = part.split(separator: ":")
      guard pieces.count == 2, let level = levels[String(pieces[0])]?[String(pieces[1])] else {
        preconditionFailure("malformed maximum \(text) in CVSS4Tables")
      }
      result[String(pieces[0])] = level
    }
    return result
  }
}
