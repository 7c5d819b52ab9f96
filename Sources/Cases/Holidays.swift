import Foundation

/// The days on which the team does not work: Saturdays, Sundays, a country's public
/// holidays and any extra days the admin configures.
///
/// Terms such as "assessment within 3 working days" in policies built on the NCSC
/// guideline mean Dutch working days, so a day is judged in `timeZone`
/// (Europe/Amsterdam by default) even though the gateway stores every timestamp in UTC:
/// a mail at 23:30 UTC on a Friday arrives on a Saturday in Amsterdam. The working-day
/// arithmetic is in `WorkingDays.swift`; the guideline is at
/// https://english.ncsc.nl/get-to-work/publications/publications/2019/juni/01/coordinated-vulnerability-disclosure-the-guideline
public struct HolidayCalendar: Sendable, Equatable {
  /// Sets of public holidays the calendar can compute for any year.
  public enum PublicHolidays: String, Sendable, Codable, CaseIterable {
    /// The Dutch public holidays, including Good Friday and Liberation Day every year.
    case netherlands
  }

  /// Built-in public holidays; `nil` leaves only weekends and `extraDates`.
  public var publicHolidays: PublicHolidays?
  /// Further days off in `yyyy-MM-dd` form, such as "2026-12-31" or a company day off.
  /// Entries in any other form never match a day; `invalidExtraDates` lists them so
  /// configuration can be rejected with a clear message.
  public var extraDates: Set<String>
  /// The time zone in which a timestamp is turned into a calendar day.
  public var timeZone: TimeZone

  public init(publicHolidays: PublicHolidays? = .netherlands, extraDates: Set<String> = [],
              timeZone: TimeZone = HolidayCalendar.amsterdam) {
    self.publicHolidays = publicHolidays
    self.extraDates = extraDates
    self.timeZone = timeZone
  }

  /// Dutch public holidays and weekends, judged in Amsterdam.
  public static let netherlands = HolidayCalendar()
  /// Only Saturdays and Sundays, judged in Amsterdam.
  public static let weekendsOnly = HolidayCalendar(publicHolidays: nil)

  /// Europe/Amsterdam from the system's time zone database.
  public static let amsterdam: TimeZone = {
    // Without tzdata every Dutch date would silently be wrong by one or two hours.
    guard let zone = TimeZone(identifier: "Europe/Amsterdam") else {
      preconditionFailure("time zone Europe/Amsterdam is missing; install the tzdata package")
    }
    return zone
  }()

  /// Days off in `year`, sorted by date: the public holidays, then any `extraDates`
  /// in that year that are not already holidays. Names are Dutch with English in
  /// parentheses, e.g. `("2026-04-27", "Koningsdag (King's Day)")`. Two holidays on
  /// one day (Ascension Day on 5 May, as in 2016) are both listed.
  public func holidays(in year: Int) -> [(date: String, name: String)] {
    var days = publicHolidayDays(in: year)
    let publicDays = Set(days.map(\.day))
    let extras = extraDates.compactMap(LocalDay.init).filter { $0.year == year && !publicDays.contains($0) }
    days += extras.map { ($0, "Extra vrije dag (additional day off)") }
    // Sorting by position too keeps the order of same-day holidays fixed.
    return days.enumerated()
      .sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }
      .map { (date: $0.element.day.description, name: $0.element.name) }
  }

  /// The entries of `extraDates` that are not real dates in `yyyy-MM-dd` form.
  public var invalidExtraDates: [String] {
    extraDates.filter { LocalDay($0) == nil }.sorted()
  }

  /// Whether `day` is a public holiday or an extra day off (weekends aside).
  func isHoliday(_ day: LocalDay) -> Bool {
    if extraDates.contains(day.description) { return true }
    return publicHolidayDays(in: day.year).contains { $0.day == day }
  }

  func publicHolidayDays(in year: Int) -> [(day: LocalDay, name: String)] {
    switch publicHolidays {
    case .netherlands?: return Self.dutchHolidays(in: year)
    case nil: return []
    }
  }

  /// The "algemeen erkende feestdagen" of the Algemene termijnenwet (art. 3), with Easter
  /// and Whit Sunday, plus Good Friday, on which many organisations close. Bevrijdingsdag
  /// is a day off every year here although many collective agreements give it only
  /// every fifth year; drop it through a custom calendar if that matters. Koningsdag
  /// follows the rule in force since 2014 (26 April when the 27th is a Sunday).
  static func dutchHolidays(in year: Int) -> [(day: LocalDay, name: String)] {
    let easter = easterSunday(in: year)
    let kingsDay = LocalDay(year: year, month: 4, day: 27)
    return [
      (LocalDay(year: year, month: 1, day: 1), "Nieuwjaarsdag (New Year's Day)"),
      (easter.adding(days: -2), "Goede Vrijdag (Good Friday)"),
      (easter, "Eerste Paasdag (Easter Sunday)"),
      (easter.adding(days: 1), "Tweede Paasdag (Easter Monday)"),
      (kingsDay.weekday == 1 ? kingsDay.adding(days: -1) : kingsDay, "Koningsdag (King's Day)"),
      (LocalDay(year: year, month: 5, day: 5), "Bevrijdingsdag (Liberation Day)"),
      (easter.adding(days: 39), "Hemelvaartsdag (Ascension Day)"),
      (easter.adding(days: 49), "Eerste Pinksterdag (Whit Sunday)"),
      (easter.adding(days: 50), "Tweede Pinksterdag (Whit Monday)"),
      (LocalDay(year: year, month: 12, day: 25), "Eerste Kerstdag (Christmas Day)"),
      (LocalDay(year: year, month: 12, day: 26), "Tweede Kerstdag (Second Christmas Day)"),
    ]
  }

  /// Western Easter Sunday by the Anonymous Gregorian algorithm (Meeus/Jones/Butcher),
  /// valid for every Gregorian year.
  static func easterSunday(in year: Int) -> LocalDay {
    let a = year % 19, b = year / 100, c = year % 100
    let d = b / 4, e = b % 4
    let f = (b + 8) / 25, g = (b - f + 1) / 3
    let h = (19 * a + b - d - g + 15) % 30
    let i = c / 4, k = c % 4
    let l = (32 + 2 * e + 2 * i - h - k) % 7
    let m = (a + 11 * h + 22 * l) / 451
    let n = h + l - 7 * m + 114
    return LocalDay(year: year, month: n / 31, day: n % 31 + 1)
  }
}

/// A calendar day with no time zone, as holiday rules and `extraDates` speak of it.
struct LocalDay: Hashable, Comparable, CustomStringConvertible, Sendable {
  var year: Int, month: Int, day: Int

  init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Parses `yyyy-MM-dd`; nil for any other form or a day that does not exist.
  init?(_ text: String) {
    let fields = text.split(separator: "-", omittingEmptySubsequences: false)
    guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
          fields.allSatisfy({ $0.allSatisfy(\.isASCII) }),
          let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2]) else { return nil }
    self.init(year: year, month: month, day: day)
    // A day that rolls over (2026-02-30) is not the same day after a round trip.
    guard (1...12).contains(month), LocalDay(dayNumber: dayNumber) == self else { return nil }
  }

  /// Days since 1970-01-01 in the proleptic Gregorian calendar
  /// (Howard Hinnant's `days_from_civil`, https://howardhinnant.github.io/date_algorithms.html).
  var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The inverse of `dayNumber` (`civil_from_days`).
  init(dayNumber: Int) {
    let z = dayNumber + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
  }

  func adding(days: Int) -> LocalDay { LocalDay(dayNumber: dayNumber + days) }

  /// 1 = Sunday … 7 = Saturday, as `Calendar` numbers weekdays.
  var weekday: Int {
    // 1970-01-01 was a Thursday (5).
    let offset = (dayNumber + 4) % 7
    return (offset < 0 ? offset + 7 : offset) + 1
  }

  var isWeekend: Bool { weekday == 1 || weekday == 7 }

  static func < (a: LocalDay, b: LocalDay) -> Bool { a.dayNumber < b.dayNumber }

  var description: String {
    func pad(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }
}
