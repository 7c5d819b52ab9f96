import Cases
import Foundation
import Testing

/// The fixed date formats agree with what ICU's formatter makes of the same patterns.
@Suite struct UTCDateTests {
  static func formatted(_ date: Date, _ pattern: String, _ zone: TimeZone) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = pattern
    return formatter.string(from: date)
  }

  @Test func agreesWithTheFormatterOverManyDatesAndZones() throws {
    let utc = try #require(TimeZone(identifier: "UTC"))
    let amsterdam = try #require(TimeZone(identifier: "Europe/Amsterdam"))
    let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
    var seconds: TimeInterval = 0
    // 1970 to about 2099 in uneven steps, so every month, weekday and DST edge comes by.
    while seconds < 4_100_000_000 {
      let date = Date(timeIntervalSince1970: seconds)
      #expect(UTCDate.timestamp(date) == Self.formatted(date, "yyyy-MM-dd HH:mm:ss 'UTC'", utc))
      #expect(UTCDate.day(date) == Self.formatted(date, "yyyy-MM-dd", utc))
      #expect(UTCDate.minute(date) == Self.formatted(date, "yyyy-MM-dd HH:mm", utc))
      #expect(UTCDate.rfc5322(date) == Self.formatted(date, "EEE, dd MMM yyyy HH:mm:ss '+0000'", utc))
      for zone in [amsterdam, kolkata] {
        #expect(UTCDate.day(date, in: zone) == Self.formatted(date, "yyyy-MM-dd", zone))
        #expect(UTCDate.minute(date, in: zone) == Self.formatted(date, "yyyy-MM-dd HH:mm", zone))
      }
      seconds += 1_234_567.25
    }
  }
}
