import Foundation

/// An RFC 9116 security.txt: where and how to report a vulnerability, served at
/// `/.well-known/security.txt`.
///
/// `text` writes the fields in a fixed order, one per line, each value checked to
/// be a single line; `parse` reads one back (signed or not), as a researcher's tool
/// would. https://www.rfc-editor.org/rfc/rfc9116
public struct SecurityTxt: Sendable, Equatable {
  /// A field this type has no property for (RFC 9116 §2.4 allows extensions).
  public struct Field: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
      self.name = name
      self.value = value
    }
  }

  /// Comment lines (without "# ") written before the fields.
  public var comments: [String]
  /// `Contact`: URIs (`mailto:`, `https:`, `tel:`), most preferred first; at least one.
  public var contacts: [String]
  /// `Expires`: after this date the file must not be trusted. Exactly one.
  public var expires: Date
  /// `Encryption`: where the key to encrypt reports with is.
  public var encryption: [String]
  /// `Acknowledgments`: where reporters are thanked.
  public var acknowledgments: [String]
  /// `Preferred-Languages`: language tags (RFC 5646) the team reads. At most one field.
  public var preferredLanguages: [String]
  /// `Canonical`: the URLs this file is meant to be served from.
  public var canonical: [String]
  /// `Policy`: the disclosure policy.
  public var policy: [String]
  /// `Hiring`: security job openings.
  public var hiring: [String]
  /// Fields of other names, in order.
  public var otherFields: [Field]
  /// Whether the parsed file was an OpenPGP cleartext-signed message. `parse` does
  /// not check the signature: ask gpg (`gpg --verify`).
  public var isSigned: Bool

  public init(comments: [String] = [], contacts: [String], expires: Date, encryption: [String] = [],
              acknowledgments: [String] = [], preferredLanguages: [String] = [], canonical: [String] = [],
              policy: [String] = [], hiring: [String] = [], otherFields: [Field] = [], isSigned: Bool = false) {
    self.comments = comments
    self.contacts = contacts
    self.expires = expires
    self.encryption = encryption
    self.acknowledgments = acknowledgments
    self.preferredLanguages = preferredLanguages
    self.canonical = canonical
    self.policy = policy
    self.hiring = hiring
    self.otherFields = otherFields
    self.isSigned = isSigned
  }

  // MARK: Writing

  /// The file's text, LF line ends, unsigned. Throws when a value would break a line
  /// (a config value with a newline could otherwise add fields of its own).
  public func text() throws(PublicationError) -> String {
    guard !contacts.isEmpty else { throw .invalidValue(key: "Contact", detail: "security.txt needs at least one Contact") }
    var lines = try comments.map { (comment) throws(PublicationError) -> String in
      try Self.requireOneLine(comment, key: "comment", allowSpaces: true)
      return comment.isEmpty ? "#" : "# " + comment
    }
    func add(_ name: String, _ values: [String]) throws(PublicationError) {
      for value in values {
        try Self.requireOneLine(value, key: name, allowSpaces: false)
        lines.append("\(name): \(value)")
      }
    }
    try add("Contact", contacts)
    lines.append("Expires: \(Self.format(expires))")
    try add("Encryption", encryption)
    try add("Acknowledgments", acknowledgments)
    if !preferredLanguages.isEmpty {
      for language in preferredLanguages { try Self.requireOneLine(language, key: "Preferred-Languages", allowSpaces: false) }
      lines.append("Preferred-Languages: " + preferredLanguages.joined(separator: ", "))
    }
    try add("Canonical", canonical)
    try add("Policy", policy)
    try add("Hiring", hiring)
    for field in otherFields {
      guard !field.name.isEmpty, field.name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
        throw .invalidValue(key: field.name, detail: "a field name has only letters, digits and hyphens")
      }
      try Self.requireOneLine(field.value, key: field.name, allowSpaces: true)
      lines.append("\(field.name): \(field.value)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// RFC 9116 §2.5.5: an RFC 3339 date-time ("2027-05-14T09:30:00Z").
  public static func format(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
  }

  static func requireOneLine(_ value: String, key: String, allowSpaces: Bool) throws(PublicationError) {
    if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
      throw .invalidValue(key: key, detail: "it contains a line break or control character")
    }
    if !allowSpaces && (value.isEmpty || value.contains(where: \.isWhitespace)) {
      throw .invalidValue(key: key, detail: "a URI has no spaces (write %20) and is not empty")
    }
  }

  // MARK: Reading

  /// Reads a security.txt, cleartext-signed or not (RFC 9116 §3, §4).
  ///
  /// Field names are matched without regard to case; comments are kept; unknown
  /// fields go to `otherFields`. Throws when Contact or Expires is missing, Expires
  /// or Preferred-Languages appears twice, Expires is not an RFC 3339 date, or a
  /// line is neither a comment nor a field.
  public static func parse(_ text: String) throws(PublicationError) -> SecurityTxt {
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
    var firstLine = 1
    var signed = false
    if let first = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
       lines[first].trimmingCharacters(in: .whitespaces) == "-----BEGIN PGP SIGNED MESSAGE-----" {
      // RFC 9580 §7: armor headers ("Hash: …") up to a blank line, the dash-escaped
      // text, then the signature block.
      guard let blank = lines[first...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }),
            let signature = lines[blank...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "-----BEGIN PGP SIGNATURE-----" }),
            lines[signature...].contains(where: { $0.trimmingCharacters(in: .whitespaces) == "-----END PGP SIGNATURE-----" })
      else { throw .malformedSecurityTxt(line: first + 1, detail: "a cleartext-signed message without its header or signature block") }
      firstLine = blank + 2
      lines = lines[(blank + 1)..<signature].map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
      signed = true
    }
    var comments: [String] = []
    var fields: [(line: Int, name: String, value: String)] = []
    for (offset, line) in lines.enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty { continue }
      if trimmed.hasPrefix("#") {
        comments.append(String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces))
        continue
      }
      guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex,
            trimmed[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
      else { throw .malformedSecurityTxt(line: firstLine + offset, detail: "neither a comment nor a \"Name: value\" field") }
      fields.append((firstLine + offset, String(trimmed[..<colon]),
                     trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
    func values(_ name: String) -> [String] {
      fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }
    let known = ["Contact", "Expires", "Encryption", "Acknowledgments", "Preferred-Languages", "Canonical", "Policy", "Hiring"]
    let expiresValues = values("Expires")
    guard expiresValues.count == 1, let expiresText = expiresValues.first else {
      throw .malformedSecurityTxt(line: fields.last?.line ?? firstLine,
                                  detail: expiresValues.isEmpty ? "no Expires field" : "Expires appears more than once")
    }
    // RFC 3339 allows fractional seconds; Date.ISO8601FormatStyle reads them only when told.
    let parsedExpires = (try? Date(expiresText, strategy: Date.ISO8601FormatStyle()))
      ?? (try? Date(expiresText, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    guard let expires = parsedExpires else {
      throw .malformedSecurityTxt(line: fields.first { $0.name.caseInsensitiveCompare("Expires") == .orderedSame }?.line ?? firstLine,
                                  detail: "Expires is not an RFC 3339 date such as 2027-05-14T09:30:00Z")
    }
    let contacts = values("Contact")
    guard !contacts.isEmpty else { throw .malformedSecurityTxt(line: firstLine, detail: "no Contact field") }
    let languageFields = values("Preferred-Languages")
    guard languageFields.count <= 1 else {
      throw .malformedSecurityTxt(line: firstLine, detail: "Preferred-Languages appears more than once")
    }
    return SecurityTxt(
      comments: comments, contacts: contacts, expires: expires, encryption: values("Encryption"),
      acknowledgments: values("Acknowledgments"),
      preferredLanguages: languageFields.first.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? [],
      canonical: values("Canonical"), policy: values("Policy"), hiring: values("Hiring"),
      otherFields: fields.filter { field in !known.contains { $0.caseInsensitiveCompare(field.name) == .orderedSame } }
        .map { Field(name: $0.name, value: $0.value) },
      isSigned: signed)
  }
}

extension SecurityTxt {
  /// The gateway's security.txt: Contact `mailto:` the gateway address (then
  /// `publish.contacts`), Encryption at `<base>/pgp-key.asc` (then `gateway.keyURL`
  /// if it differs), Policy `gateway.policyURL` (else the published English page),
  /// Preferred-Languages en, nl, Canonical `<base>/.well-known/security.txt`.
  ///
  /// Expires is `publish.expiresDays` (at most 365) after `now`, and never later than
  /// the key's own expiry: after that, reports could not be encrypted to it.
  public static func gateway(_ configuration: GatewayConfiguration, publication: PublicationConfiguration, baseURL: String,
                             fingerprint: String, keyExpires: Date?, now: Date) throws(PublicationError) -> SecurityTxt {
    guard (1...365).contains(publication.expiresDays) else { throw .invalidExpiry(days: publication.expiresDays) }
    var expires = now.addingTimeInterval(TimeInterval(publication.expiresDays) * 86_400)
    if let keyExpires, keyExpires < expires { expires = keyExpires }
    // Whole seconds: the text form has none finer, so a parsed copy compares equal.
    expires = Date(timeIntervalSince1970: expires.timeIntervalSince1970.rounded(.down))
    let contacts = ["mailto:" + configuration.address] + publication.extraContacts.map { contact in
      !contact.contains(":") && contact.contains("@") ? "mailto:" + contact : contact
    }
    let keyURL = baseURL + "/" + Publisher.keyFile
    var encryption = [keyURL]
    if let configured = configuration.keyURL, !configured.isEmpty, configured != keyURL { encryption.append(configured) }
    return SecurityTxt(
      comments: ["Where to report a security vulnerability in the systems of \(oneLine(configuration.organisation)).",
                 "Key fingerprint: \(PolicyPage.grouped(fingerprint))",
                 "Generated by Meldpunt; policy in English and Dutch (policy.en.html, policy.nl.html)."],
      contacts: contacts, expires: expires, encryption: encryption,
      acknowledgments: publication.acknowledgments.map { [$0] } ?? [],
      preferredLanguages: ["en", "nl"],
      canonical: [baseURL + "/" + Publisher.securityTxtFile],
      policy: [configuration.policyURL.flatMap { $0.isEmpty ? nil : $0 } ?? baseURL + "/policy.en.html"],
      hiring: publication.hiring.map { [$0] } ?? [])
  }

  /// A config value fit for a comment line: control characters become spaces.
  static func oneLine(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.map {
      $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0
    }))
  }
}
