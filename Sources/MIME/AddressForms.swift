/// The forms of one mail address that the team is shown, and what looks wrong about it.
///
/// A reporter is recognised by address and key, so an impersonator picks an address that reads
/// the same: `rіta@reporter.example` with a Cyrillic і, `раураl@example.org` all in Cyrillic, a
/// zero-width space, or a domain in Unicode where the reporter's is ASCII. This keeps the address
/// in Unicode and in the ASCII form mail is routed by ([RFC 5891](https://www.rfc-editor.org/rfc/rfc5891)),
/// names the scripts its letters come from ([UAX #24](https://www.unicode.org/reports/tr24/)), and
/// lists findings the team should look at, following the checks of
/// [UTS #39](https://www.unicode.org/reports/tr39/). It takes an addr-spec (`local@domain`, no
/// display name or angle brackets) and does no look-up: the gateway passes the addresses it knows.
public struct AddressForms: Sendable, Equatable {
  /// The local part as written and the domain in Unicode (lower case, `xn--` labels decoded);
  /// the domain stays as written when it has no valid IDNA form.
  public let unicode: String
  /// The local part as written and the domain as IDNA A-labels (`xn--…`), or nil when there is no
  /// ASCII form: an SMTPUTF8 local part ([RFC 6531](https://www.rfc-editor.org/rfc/rfc6531)) has
  /// none, nor has a domain that is not a valid IDNA name.
  public let ascii: String?
  /// The Unicode scripts of its letters ("Latin", "Cyrillic", "Han" …); digits, punctuation and
  /// other characters of the Common script, and combining marks, are not counted.
  public let scripts: Set<String>
  /// What looks wrong, in a fixed order: mixed scripts by part, non-ASCII, look-alikes of known
  /// addresses, invisible characters, an invalid domain. Empty for a plain ASCII address.
  public let findings: [AddressFinding]

  /// Judges `address` alone.
  public init(_ address: String) {
    self.init(address, known: [])
  }

  /// Judges `address` and compares it with addresses the gateway already knows (reporters with
  /// keys, earlier cases); each known address it looks like without being it is a finding.
  public init(_ address: String, known: [String]) {
    let parsed = ParsedAddress(address)
    unicode = parsed.unicode
    ascii = parsed.ascii

    var findings: [AddressFinding] = []
    var allScripts: Set<UnicodeScript> = []
    for part in parsed.parts {
      let scripts = UnicodeScript.scripts(of: part)
      allScripts.formUnion(scripts)
      if !UnicodeScript.isAcceptedMixture(scripts) {
        findings.append(.mixedScripts(part: part, scripts: scripts.map(\.rawValue).sorted()))
      }
    }
    scripts = Set(allScripts.map(\.rawValue))

    // An ASCII `xn--` label still names a Unicode domain; the team should hear about it too.
    if !address.utf8.allSatisfy({ $0 < 0x80 }) || !parsed.unicode.utf8.allSatisfy({ $0 < 0x80 }) {
      findings.append(.nonASCII)
    }

    if !known.isEmpty {
      let skeleton = Confusables.skeleton(parsed.unicode)
      var reported: Set<String> = []
      for candidate in known {
        let other = ParsedAddress(candidate)
        guard !parsed.isSameAddress(as: other), Confusables.skeleton(other.unicode) == skeleton,
          reported.insert(other.identity).inserted
        else { continue }
        findings.append(.confusableWith(candidate))
      }
    }

    if address.unicodeScalars.contains(where: Confusables.isInvisible)
      || parsed.unicode.unicodeScalars.contains(where: Confusables.isInvisible)
    {
      findings.append(.invisibleCharacters)
    }
    if !parsed.hasValidDomain { findings.append(.invalidDomain) }
    self.findings = findings
  }

  /// Whether the team should look at this address before trusting it.
  public var isSuspicious: Bool { !findings.isEmpty }
}

/// One thing that looks wrong about an address, with the data to show the team.
///
/// Each is a reason to compare the sender with the reporter it seems to be (key, earlier mail)
/// rather than trust the address; none of them alone proves an impersonation.
public enum AddressFinding: Sendable, Equatable, CustomStringConvertible {
  /// The local part or one domain label mixes letters of scripts that are not written together
  /// (Latin with Cyrillic, Greek …); Japanese, Chinese and Korean mixtures, with or without Latin,
  /// are normal (UTS #39 §5.2, Highly Restrictive). `scripts` is sorted.
  case mixedScripts(part: String, scripts: [String])
  /// The address, or the Unicode form of an `xn--` domain, has non-ASCII characters.
  case nonASCII
  /// The address looks like this known address (same confusable skeleton) but is another one.
  case confusableWith(String)
  /// The address has characters that show as nothing or reorder the text: zero-width, bidi
  /// controls, soft hyphen, variation selectors, controls.
  case invisibleCharacters
  /// The domain has no valid IDNA form (empty or over-long label, name over 253 octets, invalid
  /// `xn--` label, characters no domain may hold), or the address has no `@` at all.
  case invalidDomain

  public var description: String {
    switch self {
    case let .mixedScripts(part, scripts):
      "“\(Self.visible(part))” mixes \(scripts.joined(separator: " and ")) letters, as look-alike "
        + "addresses do; compare the sender with the reporter's known address and key."
    case .nonASCII:
      "The address has non-ASCII characters; compare its ASCII form with the reporter's known address."
    case let .confusableWith(known):
      "The address looks like the known address \(Self.visible(known)) but is a different one; "
        + "do not treat the sender as that reporter until the key says so."
    case .invisibleCharacters:
      "The address contains invisible characters (zero-width, bidi control, soft hyphen or variation "
        + "selector), so it is not the address it appears to be; compare it code point by code point."
    case .invalidDomain:
      "The address has no valid domain (IDNA), so a reply cannot reach it as written; "
        + "treat the sender as unverified."
    }
  }

  /// Text with every non-ASCII or non-printing scalar written as `\u{…}`, so that a bidi control
  /// cannot reorder the message and the team sees exactly which character is foreign.
  static func visible(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      if (0x20...0x7E).contains(scalar.value) {
        result.unicodeScalars.append(scalar)
      } else {
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      }
    }
    return result
  }
}

/// An addr-spec split at its last "@" (a quoted local part may hold others), in both forms.
private struct ParsedAddress {
  let unicode: String
  let ascii: String?
  /// The local part and each domain label: the units in which scripts may not be mixed.
  let parts: [String]
  let hasValidDomain: Bool

  init(_ address: String) {
    let scalars = address.unicodeScalars
    guard let at = scalars.lastIndex(of: "@") else {
      unicode = address
      ascii = nil
      parts = [address]
      hasValidDomain = false
      return
    }
    let local = String(scalars[..<at])
    let domain = String(scalars[scalars.index(after: at)...])
    let localIsASCII = local.utf8.allSatisfy { $0 < 0x80 }

    if domain.hasPrefix("[") {
      // An address literal (RFC 5321 §4.1.3) names a host by IP, so IDNA does not apply.
      unicode = address
      ascii = localIsASCII && domain.utf8.allSatisfy({ $0 < 0x80 }) ? address : nil
      parts = [local]
      hasValidDomain = true
    } else if let labels = IDNA.labels(of: domain) {
      unicode = local + "@" + labels.map(\.unicode).joined(separator: ".")
      ascii = localIsASCII ? local + "@" + labels.map(\.ascii).joined(separator: ".") : nil
      parts = [local] + labels.map(\.unicode)
      hasValidDomain = true
    } else {
      // Without valid labels the whole domain is one part, which also bounds the findings for
      // a hostile domain made of thousands of dots.
      unicode = address
      ascii = nil
      parts = [local, domain]
      hasValidDomain = false
    }
  }

  /// The address in one spelling for all its forms (`xn--` or Unicode, any case).
  var identity: String { (ascii ?? unicode).lowercased() }

  /// One address in two spellings is not a look-alike of itself.
  func isSameAddress(as other: ParsedAddress) -> Bool {
    if let ascii, let otherASCII = other.ascii { return ascii.lowercased() == otherASCII.lowercased() }
    return unicode.lowercased() == other.unicode.lowercased()
  }
}
