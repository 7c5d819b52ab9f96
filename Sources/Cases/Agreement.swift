import Foundation

/// What the organisation and the reporter have agreed for one case (NCSC
/// guideline: fix term, disclosure date, credit, and whether a coordinator
/// may be informed). Both sides receive every version of it, signed.
public struct Agreement: Sendable, Equatable, Codable {
  public var fixDue: Date
  public var disclosureDate: Date?
  /// The name to credit; nil with `noCredit` false means not decided yet.
  public var creditAs: String?
  public var noCredit: Bool
  /// Whether the reporter agrees that the NCSC (or another coordinator) is informed.
  public var consentToCoordinator: Bool?
  /// When the reporter accepted the proposed timeline, if they did.
  public var acceptedAt: Date?

  public init(fixDue: Date, disclosureDate: Date? = nil, creditAs: String? = nil, noCredit: Bool = false,
              consentToCoordinator: Bool? = nil, acceptedAt: Date? = nil) {
    self.fixDue = fixDue
    self.disclosureDate = disclosureDate
    self.creditAs = creditAs
    self.noCredit = noCredit
    self.consentToCoordinator = consentToCoordinator
    self.acceptedAt = acceptedAt
  }
}

/// One change to an agreement, as recorded and as sent back to the reporter.
public struct AgreementChange: Sendable, Equatable, Codable {
  public enum Field: String, Sendable, Codable { case accepted, fixDue, disclosureDate, credit, consentToCoordinator }
  public var field: Field
  public var from: String?
  public var to: String?
  public init(field: Field, from: String?, to: String?) {
    self.field = field
    self.from = from
    self.to = to
  }
}

/// The keywords a reporter may write, one per line, in a signed reply:
/// `ACCEPT`, `COUNTER 2027-02-15`, `CREDIT-AS "name"`, `NO-CREDIT`,
/// `CONSENT-NCSC yes|no`, `DISCLOSE 2027-03-01`.
public enum AgreementKeyword: Sendable, Equatable {
  case accept
  case counter(Date)
  case creditAs(String)
  case noCredit
  case consentToCoordinator(Bool)
  case disclose(Date)

  /// Every keyword line in `text` (quoted lines starting with ">" are skipped:
  /// they repeat the gateway's own mail).
  public static func find(in text: String) -> [AgreementKeyword] {
    var found: [AgreementKeyword] = []
    for rawLine in text.split(whereSeparator: \.isNewline) {
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix(">") { continue }
      if let keyword = parse(line) { found.append(keyword) }
    }
    return found
  }

  static func parse(_ line: String) -> AgreementKeyword? {
    let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard let head = parts.first?.uppercased() else { return nil }
    let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
    switch head {
    case "ACCEPT": return argument.isEmpty ? .accept : nil
    case "NO-CREDIT": return argument.isEmpty ? .noCredit : nil
    case "COUNTER": return day(argument).map { .counter($0) }
    case "DISCLOSE": return day(argument).map { .disclose($0) }
    case "CREDIT-AS":
      var name = argument
      if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
      name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        .trimmingCharacters(in: .whitespaces)
      return name.isEmpty || name.count > 200 ? nil : .creditAs(name)
    case "CONSENT-NCSC":
      switch argument.lowercased() {
      case "yes", "ja", "y", "true": return .consentToCoordinator(true)
      case "no", "nee", "n", "false": return .consentToCoordinator(false)
      default: return nil
      }
    default: return nil
    }
  }

  /// `YYYY-MM-DD` as midnight UTC.
  static func day(_ text: String) -> Date? {
    let parts = text.split(separator: "-")
    guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
          (1...12).contains(month), (1...31).contains(day) else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let components = DateComponents(year: year, month: month, day: day)
    guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
    return date
  }
}

extension Agreement {
  /// Applies keywords in order; returns the changes that actually changed something.
  /// `allowFixDate` decides whether a counter-proposed fix date is within policy;
  /// one that is not is left out of the agreement (the team is asked instead).
  public mutating func apply(_ keywords: [AgreementKeyword], at now: Date,
                             allowFixDate: (Date) -> Bool) -> (changes: [AgreementChange], refused: [AgreementKeyword]) {
    var changes: [AgreementChange] = []
    var refused: [AgreementKeyword] = []
    for keyword in keywords {
      switch keyword {
      case .accept:
        if acceptedAt == nil {
          acceptedAt = now
          changes.append(AgreementChange(field: .accepted, from: nil, to: UTCDate.day(now)))
        }
      case .counter(let date):
        guard allowFixDate(date) else { refused.append(keyword); continue }
        if date != fixDue {
          changes.append(AgreementChange(field: .fixDue, from: UTCDate.day(fixDue), to: UTCDate.day(date)))
          fixDue = date
        }
      case .disclose(let date):
        if date != disclosureDate {
          changes.append(AgreementChange(field: .disclosureDate, from: disclosureDate.map(UTCDate.day), to: UTCDate.day(date)))
          disclosureDate = date
        }
      case .creditAs(let name):
        if creditAs != name || noCredit {
          changes.append(AgreementChange(field: .credit, from: noCredit ? "no credit" : creditAs, to: name))
          creditAs = name
          noCredit = false
        }
      case .noCredit:
        if !noCredit {
          changes.append(AgreementChange(field: .credit, from: creditAs, to: "no credit"))
          creditAs = nil
          noCredit = true
        }
      case .consentToCoordinator(let consent):
        if consentToCoordinator != consent {
          changes.append(AgreementChange(field: .consentToCoordinator, from: consentToCoordinator.map { $0 ? "yes" : "no" },
                                         to: consent ? "yes" : "no"))
          consentToCoordinator = consent
        }
      }
    }
    return (changes, refused)
  }
}

extension AgreementKeyword: CustomStringConvertible {
  /// The keyword as a reporter writes it.
  public var description: String {
    switch self {
    case .accept: return "ACCEPT"
    case .counter(let date): return "COUNTER \(UTCDate.day(date))"
    case .creditAs(let name): return "CREDIT-AS \"\(name)\""
    case .noCredit: return "NO-CREDIT"
    case .consentToCoordinator(let yes): return "CONSENT-NCSC \(yes ? "yes" : "no")"
    case .disclose(let date): return "DISCLOSE \(UTCDate.day(date))"
    }
  }
}
