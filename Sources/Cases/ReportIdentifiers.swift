/// CWE and CVE identifiers, CVSS vectors and URLs found anywhere in a report.
///
/// Reporters mention these in sentences as often as under a label, so they are
/// searched for in the whole text. Each scan is one pass over the bytes that never
/// looks more than a few bytes ahead unless it has found what it looks for, and then
/// continues after it, so the work stays linear in the size of the report.
struct ReportIdentifiers: Sendable {
  /// `CWE-79`: uppercase, no leading zeros. MITRE, https://cwe.mitre.org
  var cweIDs: [String] = []
  /// `CVE-2024-12345`: uppercase, four or more digits after the year. https://www.cve.org
  var cveIDs: [String] = []
  /// As written: `CVSS:3.1/AV:N/AC:L/…` or `CVSS:4.0/…` (the "Vector String" of the FIRST
  /// CVSS specifications, https://www.first.org/cvss/), or a bare `AV:N/AC:L/…` as CVSS v2
  /// and some tools write it.
  var cvssVectors: [String] = []
  var urls: [String] = []
  /// Hosts of `urls` with where their URL starts, for `ReportHosts` to merge in text order.
  var urlHosts: [(position: Int, host: String)] = []
  /// Where the URLs are, so `ReportHosts` does not read their paths as host names.
  var urlSpans: [Range<Int>] = []

  init(_ bytes: [UInt8]) {
    scanURLs(bytes)
    scanIdentifiers(bytes)
  }

  // MARK: URLs

  private mutating func scanURLs(_ bytes: [UInt8]) {
    var seen: Set<String> = []
    var i = 0
    while i < bytes.count {
      guard ReportBytes.lower(bytes[i]) == UInt8(ascii: "h"), i == 0 || !ReportBytes.isAlnum(bytes[i - 1]),
            let schemeEnd = Self.schemeEnd(bytes, i) else {
        i += 1
        continue
      }
      let end = Self.urlEnd(bytes, start: i, authority: schemeEnd)
      if let host = Self.host(bytes, authority: schemeEnd, end: end) {
        let url = String(decoding: bytes[i..<end], as: UTF8.self)
        if seen.insert(url).inserted {
          urls.append(url)
        }
        urlHosts.append((i, host))
        urlSpans.append(i..<end)
      }
      i = max(end, schemeEnd)  // never read a run twice, even when it held no host
    }
  }

  /// The index after `http://` or `https://` (any case) at `i`.
  private static func schemeEnd(_ bytes: [UInt8], _ i: Int) -> Int? {
    for scheme in ["http://", "https://"] {
      let pattern = Array(scheme.utf8)
      guard i + pattern.count <= bytes.count else { continue }
      var matches = true
      for (k, p) in pattern.enumerated() where ReportBytes.lower(bytes[i + k]) != p {
        matches = false
        break
      }
      if matches { return i + pattern.count }
    }
    return nil
  }

  /// Where a URL that starts at `start` ends: at a space, a character URLs cannot hold
  /// (RFC 3986 §2), or anything outside ASCII, then without the punctuation a sentence
  /// puts after it. A `)` stays when the URL opened one, as Wikipedia links do.
  private static func urlEnd(_ bytes: [UInt8], start: Int, authority: Int) -> Int {
    var end = authority
    var inIPv6 = false
    var opened = 0
    var closed = 0
    while end < bytes.count {
      let b = bytes[end]
      if b <= 0x20 || b >= 0x7F { break }
      if "<>\"`{}|\\^".utf8.contains(b) { break }
      if b == UInt8(ascii: "]") {
        guard inIPv6 else { break }
        inIPv6 = false
      } else if b == UInt8(ascii: "[") {
        // Only an IPv6 host may open a bracket: right after `//` or after `user@`.
        guard end == authority || bytes[end - 1] == UInt8(ascii: "@") else { break }
        inIPv6 = true
      }
      if b == UInt8(ascii: "(") { opened += 1 }
      if b == UInt8(ascii: ")") { closed += 1 }
      end += 1
    }
    while end > authority {
      let last = bytes[end - 1]
      if last == UInt8(ascii: ")") {
        guard closed > opened else { break }
        closed -= 1
      } else if !".,;:!?'*_]}".utf8.contains(last) {
        break
      }
      end -= 1
    }
    return end
  }

  /// The lowercased host of a URL (no user, no port, IPv6 without brackets), or nil
  /// when there is none.
  private static func host(_ bytes: [UInt8], authority: Int, end: Int) -> String? {
    var stop = authority
    while stop < end, !"/?#".utf8.contains(bytes[stop]) { stop += 1 }
    var hostStart = authority
    for k in authority..<stop where bytes[k] == UInt8(ascii: "@") { hostStart = k + 1 }
    guard hostStart < stop else { return nil }
    var hostBytes: ArraySlice<UInt8>
    if bytes[hostStart] == UInt8(ascii: "[") {
      guard let close = bytes[hostStart..<stop].firstIndex(of: UInt8(ascii: "]")) else { return nil }
      hostBytes = bytes[(hostStart + 1)..<close]
      guard hostBytes.allSatisfy({ ReportBytes.isDigit($0) || "abcdefABCDEF:.".utf8.contains($0) }) else { return nil }
    } else {
      let portStart = bytes[hostStart..<stop].firstIndex(of: UInt8(ascii: ":")) ?? stop
      hostBytes = bytes[hostStart..<portStart]
      while hostBytes.last == UInt8(ascii: ".") { hostBytes.removeLast() }
      guard hostBytes.allSatisfy({ ReportBytes.isAlnum($0) || "-._".utf8.contains($0) }) else { return nil }
    }
    guard !hostBytes.isEmpty, hostBytes.contains(where: ReportBytes.isAlnum) else { return nil }
    return String(decoding: hostBytes.map(ReportBytes.lower), as: UTF8.self)
  }

  // MARK: CWE, CVE and CVSS

  private mutating func scanIdentifiers(_ bytes: [UInt8]) {
    var seenCWE: Set<String> = []
    var seenCVE: Set<String> = []
    var seenCVSS: Set<String> = []
    var i = 0
    while i < bytes.count {
      let b = ReportBytes.lower(bytes[i])
      guard b == UInt8(ascii: "c") || b == UInt8(ascii: "a"), i == 0 || !ReportBytes.isAlnum(bytes[i - 1]) else {
        i += 1
        continue
      }
      if let (vector, end) = Self.cvssVector(bytes, i) {
        ReportBytes.appendUnique(vector, to: &cvssVectors, seen: &seenCVSS)
        i = end
      } else if let (id, end) = Self.cve(bytes, i) {
        ReportBytes.appendUnique(id, to: &cveIDs, seen: &seenCVE)
        i = end
      } else if let (id, end) = Self.cwe(bytes, i) {
        ReportBytes.appendUnique(id, to: &cweIDs, seen: &seenCWE)
        i = end
      } else {
        i += 1
      }
    }
  }

  private static func hasPrefix(_ bytes: [UInt8], _ i: Int, _ prefix: String) -> Bool {
    let pattern = Array(prefix.utf8)
    guard i + pattern.count <= bytes.count else { return false }
    for (k, p) in pattern.enumerated() where ReportBytes.lower(bytes[i + k]) != p { return false }
    return true
  }

  private static func digits(_ bytes: [UInt8], from: Int, max: Int) -> Int {
    var end = from
    while end < bytes.count, end - from <= max, ReportBytes.isDigit(bytes[end]) { end += 1 }
    return end
  }

  private static func endsWord(_ bytes: [UInt8], _ i: Int) -> Bool {
    i >= bytes.count || !ReportBytes.isAlnum(bytes[i])
  }

  /// `CVE-YYYY-NNNN…` with four or more digits after the year.
  private static func cve(_ bytes: [UInt8], _ i: Int) -> (String, Int)? {
    guard hasPrefix(bytes, i, "cve-") else { return nil }
    let yearEnd = digits(bytes, from: i + 4, max: 4)
    guard yearEnd - (i + 4) == 4, yearEnd < bytes.count, bytes[yearEnd] == UInt8(ascii: "-") else { return nil }
    let numberEnd = digits(bytes, from: yearEnd + 1, max: 12)
    let count = numberEnd - (yearEnd + 1)
    guard count >= 4, count <= 12, endsWord(bytes, numberEnd),
          let year = Int(String(decoding: bytes[(i + 4)..<yearEnd], as: UTF8.self)), (1999...2100).contains(year)
    else { return nil }
    return ("CVE-" + String(decoding: bytes[(i + 4)..<numberEnd], as: UTF8.self), numberEnd)
  }

  /// `CWE-79`, `CWE 79`, `CWE: 79`, `cwe-079`.
  private static func cwe(_ bytes: [UInt8], _ i: Int) -> (String, Int)? {
    guard hasPrefix(bytes, i, "cwe") else { return nil }
    var p = i + 3
    var separators = 0
    while p < bytes.count, separators < 2, "-: _".utf8.contains(bytes[p]) {
      p += 1
      separators += 1
    }
    let end = digits(bytes, from: p, max: 6)
    guard end > p, end - p <= 6, endsWord(bytes, end) else { return nil }
    let number = bytes[p..<end].drop { $0 == UInt8(ascii: "0") }
    guard !number.isEmpty else { return nil }
    return ("CWE-" + String(decoding: number, as: UTF8.self), end)
  }

  /// `CVSS:3.1/AV:N/…` or a bare `AV:N/AC:L/…` of at least four metrics, as written.
  private static func cvssVector(_ bytes: [UInt8], _ i: Int) -> (String, Int)? {
    var p: Int
    let minimumMetrics: Int
    if hasPrefix(bytes, i, "cvss:") {
      p = i + 5
      let major = digits(bytes, from: p, max: 2)
      guard major > p, major < bytes.count, bytes[major] == UInt8(ascii: ".") else { return nil }
      let minor = digits(bytes, from: major + 1, max: 2)
      guard minor > major + 1 else { return nil }
      p = minor
      minimumMetrics = 1
    } else if hasPrefix(bytes, i, "av:") {
      guard let first = metric(bytes, i) else { return nil }
      p = first
      minimumMetrics = 3  // plus AV itself
    } else {
      return nil
    }
    var count = 0
    while p < bytes.count, bytes[p] == UInt8(ascii: "/"), let next = metric(bytes, p + 1) {
      p = next
      count += 1
    }
    guard count >= minimumMetrics else { return nil }
    return (String(decoding: bytes[i..<p], as: UTF8.self), p)
  }

  /// One `KEY:VALUE` metric (`AV:N`, `MAV:X`, `U:Amber`) starting at `i`; the index after it.
  private static func metric(_ bytes: [UInt8], _ i: Int) -> Int? {
    var p = i
    while p < bytes.count, p - i < 4, ReportBytes.isLetter(bytes[p]) { p += 1 }
    guard p > i, p < bytes.count, bytes[p] == UInt8(ascii: ":") else { return nil }
    let valueStart = p + 1
    p = valueStart
    while p < bytes.count, p - valueStart < 12, ReportBytes.isAlnum(bytes[p]) { p += 1 }
    guard p > valueStart, endsWord(bytes, p) else { return nil }
    return p
  }
}
