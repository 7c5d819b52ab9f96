import Cases
import Foundation
import Testing

private func utc(_ text: String) -> Date {
  guard let date = ISO8601DateFormatter().date(from: text) else { preconditionFailure("bad test date \(text)") }
  return date
}

private let utcWeekends = HolidayCalendar(publicHolidays: nil, timeZone: TimeZone(identifier: "UTC")!)

@Suite struct HolidayCalendarTests {
  @Test(arguments: [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
                    (2028, "2028-04-16"), (2029, "2029-04-01"), (2030, "2030-04-21")])
  func easterSunday(year: Int, expected: String) throws {
    let easter = try #require(HolidayCalendar.netherlands.holidays(in: year).first { $0.name.hasPrefix("Eerste Paasdag") })
    #expect(easter.date == expected)
  }

  @Test func allDutchHolidaysOf2026() {
    let holidays = HolidayCalendar.netherlands.holidays(in: 2026)
    #expect(holidays.map(\.date) == ["2026-01-01", "2026-04-03", "2026-04-05", "2026-04-06", "2026-04-27", "2026-05-05",
                                     "2026-05-14", "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26"])
    #expect(holidays.map(\.name) == ["Nieuwjaarsdag (New Year's Day)", "Goede Vrijdag (Good Friday)",
                                     "Eerste Paasdag (Easter Sunday)", "Tweede Paasdag (Easter Monday)",
                                     "Koningsdag (King's Day)", "Bevrijdingsdag (Liberation Day)",
                                     "Hemelvaartsdag (Ascension Day)", "Eerste Pinksterdag (Whit Sunday)",
                                     "Tweede Pinksterdag (Whit Monday)", "Eerste Kerstdag (Christmas Day)",
                                     "Tweede Kerstdag (Second Christmas Day)"])
  }

  @Test func kingsDayMovesToSaturdayWhenThe27thIsASunday() {
    let kingsDay = { (year: Int) in HolidayCalendar.netherlands.holidays(in: year).first { $0.name.hasPrefix("Koningsdag") }?.date }
    #expect(kingsDay(2025) == "2025-04-26")  // 27 April 2025 is a Sunday
    #expect(kingsDay(2026) == "2026-04-27")
    #expect(kingsDay(2031) == "2031-04-26")  // and so is 27 April 2031
    #expect(HolidayCalendar.netherlands.isWorkingDay(utc("2025-04-26T10:00:00Z")) == false)
    #expect(HolidayCalendar.netherlands.isWorkingDay(utc("2026-04-27T10:00:00Z")) == false)
    #expect(HolidayCalendar.netherlands.isWorkingDay(utc("2026-04-28T10:00:00Z")))
  }

  @Test func ascensionAndPentecostFollowEaster() {
    let dates = Set(HolidayCalendar.netherlands.holidays(in: 2025).map(\.date))
    #expect(dates.isSuperset(of: ["2025-04-18", "2025-04-21", "2025-05-29", "2025-06-08", "2025-06-09"]))
  }

  @Test func listsBothHolidaysWhenAscensionFallsOnLiberationDay() {
    let fifthOfMay = HolidayCalendar.netherlands.holidays(in: 2016).filter { $0.date == "2016-05-05" }
    #expect(fifthOfMay.map(\.name) == ["Bevrijdingsdag (Liberation Day)", "Hemelvaartsdag (Ascension Day)"])
  }

  @Test func weekendsOnlyHasNoHolidays() {
    #expect(HolidayCalendar.weekendsOnly.holidays(in: 2026).isEmpty)
    #expect(HolidayCalendar.weekendsOnly.isWorkingDay(utc("2026-12-25T10:00:00Z")))
    #expect(HolidayCalendar.weekendsOnly.isWorkingDay(utc("2026-12-26T10:00:00Z")) == false)  // a Saturday
  }

  @Test func extraDatesAreListedInTheirYearOnly() {
    let calendar = HolidayCalendar(extraDates: ["2026-12-31", "2027-01-02", "2026-12-25"])
    let holidays = calendar.holidays(in: 2026)
    #expect(holidays.count == 12)
    #expect(holidays.last?.date == "2026-12-31")
    #expect(holidays.last?.name == "Extra vrije dag (additional day off)")
    #expect(holidays.first { $0.date == "2026-12-25" }?.name == "Eerste Kerstdag (Christmas Day)")
    #expect(calendar.isWorkingDay(utc("2026-12-31T10:00:00Z")) == false)
    #expect(HolidayCalendar.netherlands.isWorkingDay(utc("2026-12-31T10:00:00Z")))
  }

  @Test func invalidExtraDatesAreReported() {
    let calendar = HolidayCalendar(extraDates: ["2026-02-30", "31-12-2026", "2026-12-31", "2026-1-05", "2028-02-29"])
    #expect(calendar.invalidExtraDates == ["2026-02-30", "2026-1-05", "31-12-2026"])
  }
}

@Suite struct WorkingDaysTests {
  let nl = HolidayCalendar.netherlands

  @Test func skipsTheWeekend() {
    // Friday 27 November 2026.
    #expect(nl.addingWorkingDays(1, to: utc("2026-11-27T10:00:00Z")) == utc("2026-11-30T10:00:00Z"))
    #expect(nl.addingWorkingDays(5, to: utc("2026-11-27T10:00:00Z")) == utc("2026-12-04T10:00:00Z"))
    // A report on Saturday is one working day old on Monday, like one on Friday.
    #expect(nl.addingWorkingDays(1, to: utc("2026-11-28T10:00:00Z")) == utc("2026-11-30T10:00:00Z"))
    #expect(nl.addingWorkingDays(0, to: utc("2026-11-28T10:00:00Z")) == utc("2026-11-28T10:00:00Z"))
  }

  @Test func countsBackWithANegativeNumber() {
    #expect(nl.addingWorkingDays(-1, to: utc("2026-11-30T10:00:00Z")) == utc("2026-11-27T10:00:00Z"))
    #expect(nl.addingWorkingDays(-3, to: utc("2026-12-29T10:00:00Z")) == utc("2026-12-23T10:00:00Z"))
  }

  @Test func skipsChristmasAndNewYear() {
    // Wednesday 23 December 2026: 24 Dec, then Christmas and the weekend, then 28 and 29 Dec.
    #expect(nl.addingWorkingDays(3, to: utc("2026-12-23T10:00:00Z")) == utc("2026-12-29T10:00:00Z"))
    #expect(utcWeekends.addingWorkingDays(3, to: utc("2026-12-23T10:00:00Z")) == utc("2026-12-28T10:00:00Z"))
    // Tuesday 29 December 2026: 30, 31 Dec, then New Year's Day and the weekend, then Monday 4 Jan.
    #expect(nl.addingWorkingDays(3, to: utc("2026-12-29T10:00:00Z")) == utc("2027-01-04T10:00:00Z"))
  }

  @Test func skipsEasterAndAscension() {
    // Thursday 2 April 2026: Good Friday, the weekend and Easter Monday are off.
    #expect(nl.addingWorkingDays(1, to: utc("2026-04-02T10:00:00Z")) == utc("2026-04-07T10:00:00Z"))
    #expect(nl.addingWorkingDays(3, to: utc("2026-04-02T10:00:00Z")) == utc("2026-04-09T10:00:00Z"))
    #expect(HolidayCalendar.weekendsOnly.addingWorkingDays(3, to: utc("2026-04-02T10:00:00Z")) == utc("2026-04-07T10:00:00Z"))
    // Wednesday 13 May 2026: Ascension Day is Thursday 14 May.
    #expect(nl.addingWorkingDays(1, to: utc("2026-05-13T10:00:00Z")) == utc("2026-05-15T10:00:00Z"))
    #expect(nl.addingWorkingDays(3, to: utc("2026-05-13T10:00:00Z")) == utc("2026-05-19T10:00:00Z"))
  }

  @Test func skipsExtraConfiguredDates() {
    let office = HolidayCalendar(extraDates: ["2026-12-24", "2026-12-31"])
    #expect(office.addingWorkingDays(3, to: utc("2026-12-23T10:00:00Z")) == utc("2026-12-30T10:00:00Z"))
    #expect(office.addingWorkingDays(3, to: utc("2026-12-29T10:00:00Z")) == utc("2027-01-05T10:00:00Z"))
    #expect(office.workingDays(from: utc("2026-12-23T10:00:00Z"), to: utc("2027-01-05T10:00:00Z")) == 5)
  }

  @Test func judgesTheDayInAmsterdam() {
    // 23:30 UTC on Friday 27 November 2026 is 00:30 on Saturday in Amsterdam.
    let lateFriday = utc("2026-11-27T23:30:00Z")
    #expect(nl.isWorkingDay(lateFriday) == false)
    #expect(utcWeekends.isWorkingDay(lateFriday))
    // 23:30 UTC on Thursday is Friday in Amsterdam, so one working day later is Monday 00:30 there.
    let lateThursday = utc("2026-11-26T23:30:00Z")
    #expect(nl.addingWorkingDays(1, to: lateThursday) == utc("2026-11-29T23:30:00Z"))
    #expect(utcWeekends.addingWorkingDays(1, to: lateThursday) == utc("2026-11-27T23:30:00Z"))
  }

  @Test func keepsTheAmsterdamTimeAcrossTheEndOfSummerTime() {
    // Friday 23 October 2026 12:00 CEST; summer time ends on Sunday 25 October.
    #expect(nl.addingWorkingDays(3, to: utc("2026-10-23T10:00:00Z")) == utc("2026-10-28T11:00:00Z"))
  }

  @Test func countsWorkingDaysBetweenDates() {
    let received = utc("2026-12-23T10:00:00Z")
    #expect(nl.workingDays(from: received, to: utc("2026-12-29T10:00:00Z")) == 3)
    #expect(nl.workingDays(from: received, to: utc("2026-12-29T07:00:00Z")) == 3)  // the time of day does not matter
    #expect(nl.workingDays(from: utc("2026-12-29T10:00:00Z"), to: received) == -3)
    #expect(nl.workingDays(from: received, to: received) == 0)
    #expect(nl.workingDays(from: utc("2026-12-25T10:00:00Z"), to: utc("2026-12-27T10:00:00Z")) == 0)
  }

  @Test(arguments: ["2026-03-27T01:30:00Z", "2026-04-01T22:30:00Z", "2026-10-22T23:59:00Z", "2026-12-20T12:00:00Z"])
  func countingUndoesAdding(_ start: String) {
    let from = utc(start)
    for n in 0...25 {
      let due = nl.addingWorkingDays(n, to: from)
      #expect(nl.isWorkingDay(due) || n == 0)
      #expect(nl.workingDays(from: from, to: due) == n, "\(n) working days after \(start)")
    }
  }
}
