import Foundation

/// Dates the gateway proposes to the reporter for one case.
public struct Timeline: Sendable, Equatable, Codable {
  public var receivedAt: Date
  /// By when the team will have assessed the report and named an expected fix date.
  public var triageDue: Date
  /// By when the vulnerability should be fixed (the remediation term).
  public var fixDue: Date
  /// When the finding may be published, unless both sides agree otherwise.
  public var proposedDisclosure: Date

  public init(receivedAt: Date, triageDue: Date, fixDue: Date, proposedDisclosure: Date) {
    self.receivedAt = receivedAt
    self.triageDue = triageDue
    self.fixDue = fixDue
    self.proposedDisclosure = proposedDisclosure
  }
}

/// Turns a severity into proposed dates.
///
/// The default follows the Dutch NCSC coordinated-disclosure guideline's usual
/// terms: assessment within 3 working days and a fix within 60 days; disclosure
/// is proposed for the day the fix term ends.
public struct TimelinePolicy: Sendable, Equatable {
  /// Calendar days to fix, per severity; severities not listed use `defaultFixDays`.
  public var fixDays: [Severity: Int]
  public var defaultFixDays: Int
  /// Working days (Monday to Friday) until the assessment is due.
  public var triageWorkingDays: Int

  public init(fixDays: [Severity: Int] = [:], defaultFixDays: Int = 60, triageWorkingDays: Int = 3) {
    self.fixDays = fixDays
    self.defaultFixDays = defaultFixDays
    self.triageWorkingDays = triageWorkingDays
  }

  public static let ncscDefault = TimelinePolicy()

  public func propose(receivedAt: Date, severity: Severity?) -> Timeline {
    let days = severity.flatMap { fixDays[$0] } ?? defaultFixDays
    let fixDue = Self.calendar.date(byAdding: .day, value: days, to: receivedAt) ?? receivedAt
    return Timeline(receivedAt: receivedAt, triageDue: Self.addingWorkingDays(triageWorkingDays, to: receivedAt),
                    fixDue: fixDue, proposedDisclosure: fixDue)
  }

  static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  static func addingWorkingDays(_ count: Int, to date: Date) -> Date {
    var result = date
    var left = count
    while left > 0 {
      result = calendar.date(byAdding: .day, value: 1, to: result) ?? result
      let weekday = calendar.component(.weekday, from: result)
      if weekday != 1 && weekday != 7 { left -= 1 }
    }
    return result
  }
}

extension TimelinePolicy {
  /// The UTC year of a date, as case numbers use it.
  public static func year(of date: Date) -> Int { calendar.component(.year, from: date) }
}
