/// Well-known disclosure policies an admin can pick by name instead of setting each term.
///
/// Only the fix, extension and disclosure terms differ; every preset keeps the NCSC reply
/// and assessment terms in Dutch working days, since those are promises of this team.
/// Disclosure is proposed relative to the fix due date; Project Zero's "90+30" counts the
/// 30 days from the day the patch ships, so an earlier fix means an earlier disclosure.
/// - ncsc: https://english.ncsc.nl/get-to-work/publications/publications/2019/juni/01/coordinated-vulnerability-disclosure-the-guideline
/// - projectZero: https://googleprojectzero.blogspot.com/p/vulnerability-disclosure-policy.html
/// - zdi: https://www.zerodayinitiative.com/advisories/disclosure_policy/
/// - certcc: https://certcc.github.io/CERT-Guide-to-CVD/tutorials/coord_certcc/vendor
public enum TimelinePreset: String, CaseIterable, Sendable {
  case ncsc, projectZero, zdi, certcc

  public var policy: TimelinePolicy {
    switch self {
    case .ncsc: return .ncscDefault
    // Project Zero grants at most a 14-day grace period for a patch that is scheduled.
    case .projectZero: return TimelinePolicy(defaultFixDays: 90, maxExtensionDays: 14, disclosureDelayDays: 30)
    case .zdi: return TimelinePolicy(defaultFixDays: 120)
    case .certcc: return TimelinePolicy(defaultFixDays: 45)
    }
  }

  public var summary: String {
    switch self {
    case .ncsc: return "Dutch NCSC guideline: reply in 1 working day, assessment in 3, fix within 60 days"
    case .projectZero: return "Google Project Zero 90+30: fix within 90 days, disclosure 30 days after the fix"
    case .zdi: return "Trend Micro Zero Day Initiative: fix within 120 days"
    case .certcc: return "CERT/CC: publication 45 days after the first contact"
    }
  }

  /// The preset for a configuration or command-line name: "ncsc", "project-zero" or
  /// "projectZero", "zdi", "cert-cc" or "certcc", in any case.
  public static func named(_ name: String) -> TimelinePreset? {
    let key = String(name.lowercased().filter { $0 != "-" && $0 != "_" })
    return allCases.first { $0.rawValue.lowercased() == key }
  }
}
