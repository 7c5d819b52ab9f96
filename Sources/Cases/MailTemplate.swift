/// A mail text an organisation can edit: a `Subject:` first line, a blank line, then
/// the body, with `{{name}}` placeholders and `{{#name}}…{{/name}}` blocks (each marker
/// alone on its line) that appear only when `name` has a value.
///
/// Only values the gateway computed are ever put in: never report content.
public struct MailTemplate: Sendable, Equatable {
  public let subject: String
  public let body: String

  public init(parsing text: String) {
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
    var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if let first = lines.first, first.lowercased().hasPrefix("subject:") {
      subject = first.dropFirst("subject:".count).trimmingCharacters(in: .whitespaces)
      lines.removeFirst()
      if lines.first?.isEmpty == true { lines.removeFirst() }
    } else {
      subject = ""
    }
    body = lines.joined(separator: "\n")
  }

  public func render(_ values: [String: String]) -> (subject: String, body: String) {
    (Self.fill(subject, values), Self.fill(Self.blocks(body, values), values))
  }

  /// Keeps or drops `{{#name}}` blocks.
  static func blocks(_ text: String, _ values: [String: String]) -> String {
    var out: [String] = []
    var hidden: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      // Only a line with "{{" can be a marker; trimming every line was most of this.
      let trimmed = line.utf8.contains(UInt8(ascii: "{")) ? line.trimmingCharacters(in: .whitespaces) : ""
      if trimmed.hasPrefix("{{#"), trimmed.hasSuffix("}}") {
        let name = String(trimmed.dropFirst(3).dropLast(2))
        if (values[name] ?? "").isEmpty || !hidden.isEmpty { hidden.append(name) } else { hidden.append("") }
        continue
      }
      if trimmed.hasPrefix("{{/"), trimmed.hasSuffix("}}") {
        if !hidden.isEmpty { hidden.removeLast() }
        continue
      }
      if hidden.allSatisfy(\.isEmpty) { out.append(String(line)) }
    }
    return out.joined(separator: "\n")
  }

  /// Replaces `{{name}}` with its value; unknown names become empty.
  /// The braces are found byte by byte in UTF-8 (Foundation's `range(of:)` was most of
  /// the time it took to write an acknowledgement).
  static func fill(_ text: String, _ values: [String: String]) -> String {
    let bytes = Array(text.utf8)
    func find(_ brace: UInt8, from start: Int) -> Int? {
      var i = start
      while i + 1 < bytes.count {
        if bytes[i] == brace, bytes[i + 1] == brace { return i }
        i += 1
      }
      return nil
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 512)
    var rest = 0
    while let open = find(UInt8(ascii: "{"), from: rest) {
      out += bytes[rest..<open]
      guard let close = find(UInt8(ascii: "}"), from: open + 2) else {
        rest = open
        break
      }
      let name = String(decoding: bytes[open + 2..<close], as: UTF8.self).trimmingCharacters(in: .whitespaces)
      out += (values[name] ?? "").utf8
      rest = close + 2
    }
    out += bytes[rest...]
    return String(decoding: out, as: UTF8.self)
  }
}

/// The words templates fill in, per language: `key = text` lines, `#` comments.
public struct Phrasebook: Sendable, Equatable {
  public let phrases: [String: String]

  public init(parsing text: String) {
    var phrases: [String: String] = [:]
    for line in text.split(whereSeparator: \.isNewline) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
      phrases[trimmed[..<equals].trimmingCharacters(in: .whitespaces)] = trimmed[trimmed.index(after: equals)...]
        .trimmingCharacters(in: .whitespaces)
    }
    self.phrases = phrases
  }

  public subscript(_ key: String, _ values: [String: String] = [:]) -> String {
    MailTemplate.fill(phrases[key] ?? key, values)
  }
}

import Foundation
