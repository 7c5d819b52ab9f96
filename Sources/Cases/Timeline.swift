import Foundation

/// Dates the gateway proposes to the reporter for one case.
public struct Timeline: Sendable, Equatable, Codable {
  public var receivedAt: Date
  /// By when the reporter will have had a reply from a person, not only the automatic receipt.
  public var acknowledgeDue: Date
  /// By when the team will have assessed the report and named an expected fix date.
  public var triageDue: Date
  /// By when the vulnerability should be fixed (the remediation term).
  public var fixDue: Date
  /// When the finding may be published, unless both sides agree otherwise.
  public var proposedDisclosure: Date

  public init(receivedAt: Date, acknowledgeDue: Date, triageDue: Date, fixDue: Date, proposedDisclosure: Date) {
    self.receivedAt = receivedAt
    self.acknowledgeDue = acknowledgeDue
    self.triageDue = triageDue
    self.fixDue = fixDue
    self.proposedDisclosure = proposedDisclosure
  }

  /// A timeline recorded before `acknowledgeDue` existed: the acknowledgement is taken
  /// to be due one Dutch working day after receipt, the NCSC default.
  public init(receivedAt: Date, triageDue: Date, fixDue: Date, proposedDisclosure: Date) {
    self.init(receivedAt: receivedAt, acknowledgeDue: Self.defaultAcknowledgeDue(receivedAt: receivedAt),
              triageDue: triageDue, fixDue: fixDue, proposedDisclosure: proposedDisclosure)
  }

  enum CodingKeys: String, CodingKey {
    case receivedAt, acknowledgeDue, triageDue, fixDue, proposedDisclosure
  }

  /// Decodes JSON written before `acknowledgeDue` existed as well; see the four-date init.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let receivedAt = try container.decode(Date.self, forKey: .receivedAt)
    self.init(receivedAt: receivedAt,
              acknowledgeDue: try container.decodeIfPresent(Date.self, forKey: .acknowledgeDue)
                ?? Self.defaultAcknowledgeDue(receivedAt: receivedAt),
              triageDue: try container.decode(Date.self, forKey: .triageDue),
              fixDue: try container.decode(Date.self, forKey: .fixDue),
              proposedDisclosure: try container.decode(Date.self, forKey: .proposedDisclosure))
  }

  static func defaultAcknowledgeDue(receivedAt: Date) -> Date {
    let policy = TimelinePolicy.ncscDefault
    return policy.calendar.addingWorkingDays(policy.acknowledgeWorkingDays, to: receivedAt)
  }
}

/// Turns a severity into proposed dates.
///
/// The default follows the usual terms of policies built on the Dutch NCSC
/// coordinated-disclosure guideline: a reply within 1 working day, assessment within
/// 3 working days and a fix within 60 days; disclosure is proposed for the day the fix
/// term ends. Working days are Dutch working days (`HolidayCalendar.netherlands`);
/// `TimelinePreset` names other well-known policies. The guideline:
/// https://english.ncsc.nl/get-to-work/publications/publications/2019/juni/01/coordinated-vulnerability-disclosure-the-guideline
public struct TimelinePolicy: Sendable, Equatable {
  /// Calendar days to fix, per severity; severities not listed use `defaultFixDays`.
  public var fixDays: [Severity: Int]
  public var defaultFixDays: Int
  /// Working days until the assessment is due.
  public var triageWorkingDays: Int
  /// Working days until a person has replied to the reporter.
  public var acknowledgeWorkingDays: Int
  /// Which days count as working days, and in which time zone.
  public var calendar: HolidayCalendar
  /// Calendar days a fix date may move beyond the policy's term when both sides agree.
  public var maxExtensionDays: Int
  /// Calendar days between the end of the fix term and the proposed disclosure, the
  /// time users get to install the fix.
  public var disclosureDelayDays: Int

  public init(fixDays: [Severity: Int] = [:], defaultFixDays: Int = 60, triageWorkingDays: Int = 3,
              acknowledgeWorkingDays: Int = 1, calendar: HolidayCalendar = .netherlands,
              maxExtensionDays: Int = 30, disclosureDelayDays: Int = 0) {
    self.fixDays = fixDays
    self.defaultFixDays = defaultFixDays
    self.triageWorkingDays = triageWorkingDays
    self.acknowledgeWorkingDays = acknowledgeWorkingDays
    self.calendar = calendar
    self.maxExtensionDays = maxExtensionDays
    self.disclosureDelayDays = disclosureDelayDays
  }

  public static let ncscDefault = TimelinePolicy()

  public func propose(receivedAt: Date, severity: Severity?) -> Timeline {
    let days = severity.flatMap { fixDays[$0] } ?? defaultFixDays
    let fixDue = Self.addingDays(days, to: receivedAt)
    return Timeline(receivedAt: receivedAt,
                    acknowledgeDue: calendar.addingWorkingDays(acknowledgeWorkingDays, to: receivedAt),
                    triageDue: calendar.addingWorkingDays(triageWorkingDays, to: receivedAt),
                    fixDue: fixDue, proposedDisclosure: Self.addingDays(disclosureDelayDays, to: fixDue))
  }

  /// Whether the team may move the fix date to `proposed` without a new agreement on
  /// the policy: not before the report arrived, and no more than `maxExtensionDays`
  /// after the fix date first proposed. Pass the timeline as proposed at intake, so
  /// extensions cannot be chained.
  public func allowsFixDate(_ proposed: Date, for timeline: Timeline) -> Bool {
    proposed >= timeline.receivedAt && proposed <= Self.addingDays(maxExtensionDays, to: timeline.fixDue)
  }

  /// How each promise made to the reporter stands at `now`.
  ///
  /// A promise not yet done is `dueSoon` when its due date lies no more than
  /// `warnWithin` working days ahead, `broken` once the due date has passed, and
  /// `pending` otherwise; a done promise is `kept` when done by its due date and
  /// `broken` when done later. Pass `fixedAt` for the fix, whatever its due date.
  public func status(of timeline: Timeline, acknowledgedAt: Date?, triagedAt: Date?, fixedAt: Date?, now: Date,
                     warnWithin days: Int) -> [Promise] {
    let warnUntil = calendar.addingWorkingDays(days, to: now)
    func promise(_ kind: Promise.Kind, due: Date, doneAt: Date?) -> Promise {
      let state: Promise.State
      if let doneAt {
        state = doneAt <= due ? .kept : .broken
      } else if now > due {
        state = .broken
      } else {
        state = due <= warnUntil ? .dueSoon : .pending
      }
      return Promise(kind: kind, state: state, due: due)
    }
    return [
      promise(.acknowledge, due: timeline.acknowledgeDue, doneAt: acknowledgedAt),
      promise(.triage, due: timeline.triageDue, doneAt: triagedAt),
      promise(.fix, due: timeline.fixDue, doneAt: fixedAt),
    ]
  }

  /// The UTC calendar. Fix and disclosure terms count whole 24-hour days in it, so a
  /// term is equally long whatever the time zone and daylight saving time.
  static let utc: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }()

  static func addingDays(_ days: Int, to date: Date) -> Date {
    utc.date(byAdding: .day, value: days, to: date) ?? date
  }
}

extension TimelinePolicy {
  /// The UTC year of a date, as case numbers use it.
  public static func year(of date: Date) -> Int { utc.component(.year, from: date) }
}

/// One date promised to the reporter and whether it was met; see `TimelinePolicy.status`.
public struct Promise: Sendable, Equatable {
  /// What was promised.
  public enum Kind: String, Sendable, Codable, CaseIterable {
    /// A person replies (beyond the automatic receipt).
    case acknowledge
    /// The report is assessed and an expected fix date named.
    case triage
    /// The vulnerability is fixed.
    case fix
  }

  /// Whether the promise was, or still can be, kept.
  public enum State: String, Sendable, Codable, CaseIterable {
    /// Done by the due date.
    case kept
    /// Done late, or not done and past due.
    case broken
    /// Not done, and due within the warning window.
    case dueSoon
    /// Not done, and due later than the warning window.
    case pending
  }

  public var kind: Kind
  public var state: State
  public var due: Date

  public init(kind: Kind, state: State, due: Date) {
    self.kind = kind
    self.state = state
    self.due = due
  }
}
