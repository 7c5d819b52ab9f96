import Foundation

/// Working-day arithmetic: a working day is a calendar day in `timeZone` that is not a
/// Saturday, a Sunday, a public holiday or one of `extraDates`.
extension HolidayCalendar {
  public func isWorkingDay(_ date: Date) -> Bool {
    let day = localDay(of: date)
    return !day.isWeekend && !isHoliday(day)
  }

  /// The moment `n` working days after `date`, at the same wall-clock time in `timeZone`.
  ///
  /// The day of `date` itself never counts, so a report received on a Saturday is one
  /// working day old on Monday, just like one received on the Friday before. A negative
  /// `n` counts back; `0` returns `date` unchanged.
  public func addingWorkingDays(_ n: Int, to date: Date) -> Date {
    guard n != 0 else { return date }
    let step = n > 0 ? 1 : -1
    let start = localDay(of: date)
    var offset = 0
    var left = abs(n)
    while left > 0 {
      offset += step
      let day = start.adding(days: offset)
      if !day.isWeekend && !isHoliday(day) { left -= 1 }
    }
    // Adding whole days keeps the local time across a DST change; a time that does not
    // exist on the target day (02:30 on the last Sunday of March) cannot occur, because
    // that Sunday is never a working day.
    return gregorian.date(byAdding: .day, value: offset, to: date) ?? date
  }

  /// Working days after the day of `from`, up to and including the day of `to`; the
  /// time of day does not matter. `workingDays(from: d, to: addingWorkingDays(n, to: d))`
  /// is `n`. Negative when `to` lies on an earlier day than `from`.
  public func workingDays(from: Date, to: Date) -> Int {
    let first = localDay(of: from).dayNumber
    let last = localDay(of: to).dayNumber
    guard first != last else { return 0 }
    let (low, high) = first < last ? (first, last) : (last, first)
    let count = (low + 1...high).count { number in
      let day = LocalDay(dayNumber: number)
      return !day.isWeekend && !isHoliday(day)
    }
    return first < last ? count : -count
  }

  /// The calendar day `date` falls on in `timeZone`.
  func localDay(of date: Date) -> LocalDay {
    let parts = gregorian.dateComponents([.year, .month, .day], from: date)
    guard let year = parts.year, let month = parts.month, let day = parts.day else {
      preconditionFailure("a Gregorian calendar always yields year, month and day")
    }
    return LocalDay(year: year, month: month, day: day)
  }

  var gregorian: Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    return calendar
  }
}
