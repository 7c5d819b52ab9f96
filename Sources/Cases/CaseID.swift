/// A case number as reporters and the team see it: `MP-2026-0001`.
///
/// Numbers restart each year; the store hands them out inside the transaction
/// that creates the case, so two cases never share one.
public struct CaseID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible, LosslessStringConvertible {
  public let year: Int
  public let number: Int

  public init(year: Int, number: Int) {
    self.year = year
    self.number = number
  }

  /// Parses `MP-YYYY-NNNN` (case-insensitive prefix); nil for anything else.
  public init?(_ text: String) {
    let parts = text.uppercased().split(separator: "-")
    guard parts.count == 3, parts[0] == "MP", parts[1].count == 4, let year = Int(parts[1]),
          parts[2].count >= 4, parts[2].allSatisfy(\.isASCII), let number = Int(parts[2]), number > 0 else { return nil }
    self.init(year: year, number: number)
  }

  public var description: String {
    let digits = String(number)
    return "MP-\(year)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let id = CaseID(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a case id: \(text)"))
    }
    self = id
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  public static func < (a: CaseID, b: CaseID) -> Bool { (a.year, a.number) < (b.year, b.number) }

  /// Finds the first case id written anywhere in `text` (e.g. a reply's subject).
  public static func first(in text: String) -> CaseID? {
    let upper = Array(text.uppercased().utf8)
    var index = 0
    while index + 11 <= upper.count {
      if upper[index] == UInt8(ascii: "M"), upper[index + 1] == UInt8(ascii: "P"), upper[index + 2] == UInt8(ascii: "-") {
        var end = index + 3
        while end < upper.count, (upper[end] >= 0x30 && upper[end] <= 0x39) || upper[end] == UInt8(ascii: "-") { end += 1 }
        if let id = CaseID(String(decoding: upper[index..<end], as: UTF8.self)) { return id }
      }
      index += 1
    }
    return nil
  }
}
