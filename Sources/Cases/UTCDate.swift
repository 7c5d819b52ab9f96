import Foundation

/// Dates as reporters and admins read them: always UTC, in a fixed English locale,
/// so a mail or a listing never depends on the server's settings.
public enum UTCDate {
  public static func string(_ date: Date, _ pattern: String) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = pattern
    return formatter.string(from: date)
  }

  /// `2026-11-26 10:00:00 UTC`
  public static func timestamp(_ date: Date) -> String { string(date, "yyyy-MM-dd HH:mm:ss 'UTC'") }
  /// `2026-11-26`
  public static func day(_ date: Date) -> String { string(date, "yyyy-MM-dd") }
  /// RFC 5322 §3.3 `Thu, 26 Nov 2026 10:00:00 +0000`
  public static func rfc5322(_ date: Date) -> String { string(date, "EEE, dd MMM yyyy HH:mm:ss '+0000'") }
}
