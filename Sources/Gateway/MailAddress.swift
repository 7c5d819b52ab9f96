/// One mailbox from a From/To header: display name and address (RFC 5322 §3.4), tolerant of what clients write.
public struct MailAddress: Sendable, Equatable {
  public let name: String?
  public let address: String

  /// The first mailbox in a header value, or nil when there is no plausible address.
  public static func parse(_ value: String) -> MailAddress? {
    let text = value.trimmingCharacters(in: .whitespaces)
    if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
      let address = String(text[text.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
      var name = String(text[..<open]).trimmingCharacters(in: .whitespaces)
      if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
      return plausible(address) ? MailAddress(name: name.isEmpty ? nil : name, address: address) : nil
    }
    // Bare address, possibly followed by a (comment).
    let bare = String(text.prefix { $0 != "(" && $0 != "," }).trimmingCharacters(in: .whitespaces)
    return plausible(bare) ? MailAddress(name: nil, address: bare) : nil
  }

  /// An address safe to put in an envelope and a header: one @, no spaces, controls or brackets.
  public static func plausible(_ address: String) -> Bool {
    let parts = address.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), address.utf8.count <= 254 else { return false }
    return address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
  }

  public var domain: String { String(address.split(separator: "@").last ?? "").lowercased() }
  public var localPart: String { String(address.split(separator: "@").first ?? "").lowercased() }
}

import Foundation
