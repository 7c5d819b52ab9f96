import Foundation

/// Dates as reporters and admins read them: always UTC (or the zone asked for), in fixed
/// English formats, so a mail or a listing never depends on the server's settings.
///
/// Built from Gregorian calendar fields rather than a `DateFormatter`: these formats never
/// change with a locale, and a formatter costs an ICU formatter per call (several per
/// acknowledgement, which the benchmark showed).
public enum UTCDate {
  private static let utc = TimeZone(identifier: "UTC")!
  private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// The calendar fields of `date` in `zone`.
  struct Fields {
    let year, month, day, hour, minute, second, weekday: Int

    init(_ date: Date, _ zone: TimeZone) {
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = zone
      let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
      (year, month, day) = (c.year ?? 1970, c.month ?? 1, c.day ?? 1)
      (hour, minute, second, weekday) = (c.hour ?? 0, c.minute ?? 0, c.second ?? 0, c.weekday ?? 1)
    }

    var day10: String { "\(pad(year, 4))-\(pad(month))-\(pad(day))" }
    var minute16: String { "\(day10) \(pad(hour)):\(pad(minute))" }
    var time8: String { "\(pad(hour)):\(pad(minute)):\(pad(second))" }
  }

  static func pad(_ value: Int, _ width: Int = 2) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }

  /// `2026-11-26 10:00:00 UTC`
  public static func timestamp(_ date: Date) -> String {
    let f = Fields(date, utc)
    return "\(f.day10) \(f.time8) UTC"
  }
  /// `2026-11-26`
  public static func day(_ date: Date) -> String { Fields(date, utc).day10 }
  /// `2026-11-26 10:00`
  public static func minute(_ date: Date) -> String { Fields(date, utc).minute16 }
  /// RFC 5322 §3.3 `Thu, 26 Nov 2026 10:00:00 +0000`
  public static func rfc5322(_ date: Date) -> String {
    let f = Fields(date, utc)
    return "\(weekdays[f.weekday - 1]), \(pad(f.day)) \(months[f.month - 1]) \(pad(f.year, 4)) \(f.time8) +0000"
  }

  /// `2026-11-26` in `zone`.
  public static func day(_ date: Date, in zone: TimeZone) -> String { Fields(date, zone).day10 }
  /// `2026-11-26 11:00` in `zone`.
  public static func minute(_ date: Date, in zone: TimeZone) -> String { Fields(date, zone).minute16 }
}
