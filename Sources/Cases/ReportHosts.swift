/// Host names and IPv4 addresses a report mentions, with or without a URL around them.
///
/// A word with dots in it is a host only if it looks like one in a report: four
/// numbers up to 255 (`10.1.2.3`), or labels ending in a top-level domain we know
/// (`portal.example.org`). That keeps out `e.g.`, `i.e.`, version numbers (`1.2.3`),
/// file names (`report.pdf`, `index.php`) and code (`user.id`, `System.IO`). Top-level
/// domains that are also common file extensions (`.sh`, `.py`, `.md`, `.pl`, `.rs`)
/// count only with three labels or more (`api.example.pl`); written as a URL, any
/// host counts.
enum ReportHosts {
  static func find(_ bytes: [UInt8], urls: ReportIdentifiers) -> [String] {
    var found = urls.urlHosts
    var spans = urls.urlSpans[...]
    var i = 0
    while i < bytes.count {
      guard isHostByte(bytes[i]) else {
        i += 1
        continue
      }
      var end = i
      while end < bytes.count, isHostByte(bytes[end]) { end += 1 }
      while let span = spans.first, span.upperBound <= i { spans.removeFirst() }
      let insideURL = spans.first.map { $0.lowerBound < end } ?? false
      if !insideURL, let host = host(bytes, i, end) { found.append((i, host)) }
      i = end
    }
    found.sort { $0.position < $1.position }
    var hosts: [String] = []
    var seen: Set<String> = []
    for (_, host) in found { ReportBytes.appendUnique(host, to: &hosts, seen: &seen) }
    return hosts
  }

  private static func isHostByte(_ b: UInt8) -> Bool {
    ReportBytes.isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
  }

  /// The host in the word `bytes[start..<end]`, lowercased, or nil.
  private static func host(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String? {
    // What surrounds the word says whether it is a host: `jan@example.nl` is an
    // address, `/var/www/site.nl` a path, `user.id(`, `user.id=` and `my_site.nl` code.
    if start > 0, "@/\\_$%&#".utf8.contains(bytes[start - 1]) { return nil }
    if end < bytes.count, "@(_[=".utf8.contains(bytes[end]) { return nil }
    var word = bytes[start..<end]
    while let first = word.first, first == UInt8(ascii: ".") || first == UInt8(ascii: "-") { word.removeFirst() }
    while let last = word.last, last == UInt8(ascii: ".") || last == UInt8(ascii: "-") { word.removeLast() }
    guard word.contains(UInt8(ascii: ".")), word.count <= 253 else { return nil }
    let labels = word.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }) else { return nil }
    if isIPv4(labels) || isHostName(labels) {
      return String(decoding: word.map(ReportBytes.lower), as: UTF8.self)
    }
    return nil
  }

  private static func isIPv4(_ labels: [ArraySlice<UInt8>]) -> Bool {
    labels.count == 4 && labels.allSatisfy { label in
      label.count <= 3 && label.allSatisfy(ReportBytes.isDigit)
        && (Int(String(decoding: label, as: UTF8.self)) ?? 256) <= 255
    }
  }

  private static func isHostName(_ labels: [ArraySlice<UInt8>]) -> Bool {
    guard labels.count >= 2, let top = labels.last, top.count >= 2, top.count <= 24,
          top.allSatisfy(ReportBytes.isLetter) else { return false }
    for label in labels {
      guard let first = label.first, let last = label.last, first != UInt8(ascii: "-"),
            last != UInt8(ascii: "-") else { return false }
    }
    // `System.IO`, `Foo.Bar`: a capital after a dot, in a word that is not all capitals,
    // is code or two sentences without a space, not a host name.
    let letters = labels.joined().filter(ReportBytes.isLetter)
    if !letters.allSatisfy(ReportBytes.isUpper) {
      for label in labels.dropFirst() where label.first.map(ReportBytes.isUpper) == true { return false }
    }
    let tld = String(decoding: top.map(ReportBytes.lower), as: UTF8.self)
    guard topLevelDomains.contains(tld) else { return false }
    if labels.count == 2 {
      if fileExtensionDomains.contains(tld) { return false }
      let name = String(decoding: labels.joined(separator: [UInt8(ascii: ".")]).map(ReportBytes.lower), as: UTF8.self)
      if notHosts.contains(name) { return false }
    }
    return true
  }

  /// Country codes (ISO 3166-1, as delegated by IANA) and the generic and reserved
  /// (RFC 2606, RFC 6761) domains reports are likely to name.
  static let topLevelDomains: Set<String> = {
    let generic = """
      com org net edu gov mil int info biz io dev app cloud online site tech xyz eu asia mobi pro aero coop \
      museum jobs travel tel cat shop store blog email link live news network systems digital security agency \
      services solutions software website space club global group company world nyc berlin london paris \
      amsterdam frl brussels vlaanderen gent nu ai local internal lan test example invalid localhost corp home \
      intranet arpa onion
      """
    let countries = """
      ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz \
      ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et fi fj fk fm \
      fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is \
      it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml \
      mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm \
      pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td \
      tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
      """
    return Set((generic + " " + countries).split(separator: " ").map(String.init))
  }()

  /// Country codes that are also file extensions or code (`exploit.py`, `README.md`,
  /// `run.sh`, `main.rs`, `lib.so`, `user.id`); with only two labels these are not hosts.
  static let fileExtensionDomains: Set<String> = [
    "ac", "ai", "am", "as", "cc", "cl", "do", "gs", "id", "in", "md", "mk", "ml", "mm", "ms", "pl", "pm", "ps",
    "py", "rs", "sc", "sh", "so", "st", "tf", "to",
  ]

  /// Product names written like domains.
  static let notHosts: Set<String> = ["asp.net", "vb.net", "ado.net", "f.net"]
}
