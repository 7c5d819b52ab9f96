/// Finds the stretches of free text that may be CVSS vectors, for `CVSS.find(in:)`.
///
/// A candidate is `CVSS:`, a version of digits and dots, then letters, colons and slashes.
/// Neither metric names nor values contain digits or dots, so a vector ends at the punctuation,
/// space, bracket or quote that follows it ("… A:H." or "(… A:H)"); a trailing slash or colon is
/// dropped. Candidates are only proposals: `CVSS.parse` decides.
enum CVSSVectorScanner {
  /// The longest valid vector (v4.0 with every metric) is about 160 bytes; longer runs are not
  /// vectors, and the cap keeps a hostile "CVSS:CVSS:CVSS:…" from making the scan quadratic.
  static let maximumLength = 512

  static func candidates(in text: String) -> [String] {
    let bytes = Array(text.utf8)
    let prefix = Array("CVSS:".utf8)
    var candidates: [String] = []
    var start = 0
    while start + prefix.count <= bytes.count {
      guard bytes[start..<start + prefix.count].elementsEqual(prefix) else {
        start += 1
        continue
      }
      let limit = min(bytes.count, start + maximumLength + 1)
      let versionStart = start + prefix.count
      var end = versionStart
      while end < limit, isVersionByte(bytes[end]) { end += 1 }
      // "CVSS:" in prose ("CVSS: 9.8", "CVSS:") is not followed by a version and a slash.
      guard end > versionStart, end < limit, bytes[end] == UInt8(ascii: "/") else {
        start = versionStart
        continue
      }
      while end < limit, isMetricByte(bytes[end]) { end += 1 }
      var cut = end
      while cut > versionStart, bytes[cut - 1] == UInt8(ascii: "/") || bytes[cut - 1] == UInt8(ascii: ":") {
        cut -= 1
      }
      if cut - start <= maximumLength {
        candidates.append(String(decoding: bytes[start..<cut], as: UTF8.self))
      }
      // Continue inside the run, so that a vector glued to a broken one is still seen.
      start += prefix.count
    }
    return candidates
  }

  private static func isVersionByte(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
  }

  private static func isMetricByte(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "/")
  }
}
