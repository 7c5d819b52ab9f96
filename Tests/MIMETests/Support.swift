import Foundation
import MIME
import Testing

/// Line endings a test message is written in; each structural test runs with both.
enum LineEnding: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case lf, crlf

  var testDescription: String { rawValue }

  /// `text` (written with "\n") in this line ending, as bytes.
  func bytes(_ text: String) -> [UInt8] {
    switch self {
    case .lf: Array(text.utf8)
    case .crlf: Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
  }

  func text(_ text: String) -> String { String(decoding: bytes(text), as: UTF8.self) }
}

extension MIMEMessage {
  /// Parses text written with "\n", in the given line ending.
  static func parse(_ text: String, _ ending: LineEnding = .lf, limits: MIMELimits = .default) throws(MIMEError) -> MIMEMessage {
    try parse(ending.bytes(text), limits: limits)
  }

  func string(_ range: Range<Int>?) -> String? {
    range.map { String(decoding: bytes[$0], as: UTF8.self) }
  }

  /// Calls every accessor on every part, as a consumer would; used to prove nothing traps.
  func touchEverything() {
    for part in allParts {
      _ = rawBytes(of: part)
      _ = canonicalBytes(of: part)
      _ = decodedBody(of: part)
      _ = text(of: part)
      _ = part.filename
      _ = self.part(at: part.path)
      for field in part.headers.fields {
        _ = field.unfoldedValue
        _ = field.decodedValue
      }
    }
  }
}

/// The offset of the first occurrence of `needle` in `haystack`.
func offset(of needle: String, in haystack: [UInt8]) -> Int? {
  let needle = Array(needle.utf8)
  guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
  return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

/// A small deterministic generator, so fuzz-style tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The shared interop corpus, found from this file's location (Tests/MIMETests → package root
/// → ../shared/interop), so tests work from any working directory.
enum Interop {
  static let root: URL = {
    var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
      let candidate = directory.appendingPathComponent("../shared/interop").standardizedFileURL
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("MANIFEST.tsv").path) {
        return candidate
      }
      directory.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: "/work/shared/interop")
  }()

  /// Paths of every `.eml` and `.mbox` file, relative to ``root``, sorted.
  static let messages: [String] = {
    guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
    return enumerator.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".eml") || $0.hasSuffix(".mbox") }
      .sorted()
  }()

  static func bytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: root.appendingPathComponent(path)))
  }
}
