@testable import Cases
import Foundation
import Testing

@Suite struct CaseIDTests {
  @Test func formatsWithFourDigits() {
    #expect(CaseID(year: 2026, number: 1).description == "MP-2026-0001")
    #expect(CaseID(year: 2026, number: 12345).description == "MP-2026-12345")
  }

  @Test(arguments: ["MP-2026-0001", "mp-2026-0001", "MP-2027-0420"])
  func parses(_ text: String) throws {
    let id = try #require(CaseID(text))
    #expect(id.description == text.uppercased())
  }

  @Test(arguments: ["", "MP-2026-1", "MP-26-0001", "XX-2026-0001", "MP-2026-0000", "MP-2026-00a1", "MP-2026-0001-2"])
  func rejects(_ text: String) {
    #expect(CaseID(text) == nil)
  }

  @Test func findsTheIDInASubject() {
    #expect(CaseID.first(in: "Re: [MP-2026-0042] Your vulnerability report") == CaseID(year: 2026, number: 42))
    #expect(CaseID.first(in: "no id here MP-") == nil)
  }

  @Test func codableAsString() throws {
    let data = try JSONEncoder().encode([CaseID(year: 2026, number: 7)])
    #expect(String(decoding: data, as: UTF8.self) == "[\"MP-2026-0007\"]")
    #expect(try JSONDecoder().decode([CaseID].self, from: data) == [CaseID(year: 2026, number: 7)])
  }
}

@Suite struct CaseStateTests {
  @Test func onlyTheDocumentedTransitionsExist() {
    let allowed: Set<String> = ["new>triaged", "triaged>accepted", "triaged>rejected", "triaged>duplicate",
                                "accepted>fixing", "fixing>fixed", "fixed>disclosed", "disclosed>closed"]
    for from in CaseState.allCases {
      for to in CaseState.allCases {
        #expect(from.canMove(to: to) == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
      }
    }
  }
}

@Suite struct TimelinePolicyTests {
  static func date(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    return f.date(from: text)!
  }

  @Test func ncscDefaultIsSixtyDaysAndThreeWorkingDays() {
    // Thursday 26 November 2026: three working days later is Tuesday 1 December.
    let timeline = TimelinePolicy.ncscDefault.propose(receivedAt: Self.date("2026-11-26T10:00:00Z"), severity: nil)
    #expect(timeline.triageDue == Self.date("2026-12-01T10:00:00Z"))
    #expect(timeline.fixDue == Self.date("2027-01-25T10:00:00Z"))
    #expect(timeline.proposedDisclosure == timeline.fixDue)
  }

  @Test func severitySetsTheTerm() {
    let policy = TimelinePolicy(fixDays: [.critical: 14], defaultFixDays: 60)
    let received = Self.date("2026-11-26T10:00:00Z")
    #expect(policy.propose(receivedAt: received, severity: .critical).fixDue == Self.date("2026-12-10T10:00:00Z"))
    #expect(policy.propose(receivedAt: received, severity: .low).fixDue == Self.date("2027-01-25T10:00:00Z"))
  }
}

@Suite struct VerdictTests {
  @Test func jsonIsFlatAndRoundTrips() throws {
    let verdict = Verdict(encryption: .partial(encryptedParts: ["/2"]),
                          signature: .valid(fingerprint: "ABCD", userID: "A <a@example.org>", matchesFrom: false),
                          flags: [.signerDiffersFromSender, .unencryptedTextOutsideEncryptedPart],
                          parts: [PartVerdict(path: "/1", contentType: "text/plain", encrypted: false, signed: false)])
    let data = try JSONEncoder().encode(verdict)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["encryption"] as? String == "partial")
    #expect(object["signature"] as? String == "valid")
    #expect(object["signerMatchesFrom"] as? Bool == false)
    #expect(object["flags"] as? [String] == ["signerDiffersFromSender", "unencryptedTextOutsideEncryptedPart"])
    #expect(try JSONDecoder().decode(Verdict.self, from: data) == verdict)
  }

  @Test func failedEncryptionCarriesItsReason() throws {
    let verdict = Verdict(encryption: .failed(.noIntegrityProtection), signature: .none)
    let data = try JSONEncoder().encode(verdict)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["encryptionFailure"] as? String == "noIntegrityProtection")
    #expect(try JSONDecoder().decode(Verdict.self, from: data) == verdict)
  }
}

/// The shipped templates (Config/templates → Sources/Gateway/Templates).
enum ShippedTexts {
  static func load(_ language: String) -> MailTexts {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Config/templates")
    func read(_ name: String) -> String {
      (try? String(contentsOf: dir.appendingPathComponent("\(name).\(language).txt"), encoding: .utf8)) ?? ""
    }
    return MailTexts(language: language, acknowledgement: MailTemplate(parsing: read("acknowledgement")),
                     notice: MailTemplate(parsing: read("notice")), status: MailTemplate(parsing: read("status")),
                     agreement: MailTemplate(parsing: read("agreement")), phrases: Phrasebook(parsing: read("phrases")))
  }

  static let facts = SenderFacts(organisation: "Example", policyURL: "https://example.org/policy", gatewayKey: "GATEWAYKEY")
}

@Suite struct AcknowledgementTests {
  static func make(_ verdict: Verdict, language: String = "en", scope: ScopeVerdict = .inScope) -> Acknowledgement {
    let received = TimelinePolicyTests.date("2026-11-26T10:00:00Z")
    let timeline = TimelinePolicy.ncscDefault.propose(receivedAt: received, severity: nil)
    return Acknowledgement(caseID: CaseID(year: 2026, number: 3), timeline: timeline, verdict: verdict,
                           receipt: .init(sha256: String(repeating: "ab", count: 32), receivedAt: received,
                                          signerFingerprint: "F00D", parts: verdict.parts),
                           scope: scope, texts: ShippedTexts.load(language), facts: ShippedTexts.facts)
  }

  @Test func givesCaseDatesScopeAndReceiptInEnglish() {
    let verdict = Verdict(encryption: .full, signature: .valid(fingerprint: "F00D", userID: nil, matchesFrom: true),
                          parts: [PartVerdict(path: "/2/dec", contentType: "text/plain", encrypted: true, signed: true)])
    let ack = Self.make(verdict)
    #expect(ack.subject == "[MP-2026-0003] Your vulnerability report was received")
    #expect(ack.body.contains("2026-11-26 10:00 (UTC)"))
    #expect(ack.body.contains("by 2027-01-25"))
    #expect(ack.body.contains("by 2026-12-01"))
    #expect(ack.body.contains("within the scope"))
    #expect(ack.body.contains(String(repeating: "ab", count: 32)))
    #expect(ack.body.contains("https://example.org/policy"))
    #expect(ack.body.contains("part /2/dec: encrypted, signed"))
    #expect(ack.body.contains("will not take legal action"))
    #expect(!ack.body.contains("{{"))
  }

  @Test func dutchReportersGetDutch() {
    let ack = Self.make(Verdict(encryption: .full, signature: .none), language: "nl", scope: .unknown)
    #expect(ack.subject.contains("ontvangen"))
    #expect(ack.body.contains("Voorgestelde termijnen"))
    #expect(ack.body.contains("ontvangen op 2026-11-26"))
    #expect(!ack.body.contains("{{"))
  }

  @Test func theNoticeIsTheSameWhateverTheCause() {
    let received = TimelinePolicyTests.date("2026-11-26T10:00:00Z")
    let notice = Acknowledgement.unreadableNotice(receivedAt: received, texts: ShippedTexts.load("en"), facts: ShippedTexts.facts)
    #expect(notice.body.contains("GATEWAYKEY"))
    #expect(notice.body.contains("https://example.org/policy"))
    #expect(!notice.body.contains("{{"))
  }
}

@Suite struct PlaintextAcknowledgementTests {
  @Test func aPlaintextReportIsAskedToEncryptFollowUps() {
    let ack = AcknowledgementTests.make(Verdict(encryption: .none, signature: .none, flags: [.plaintextReport]))
    #expect(ack.body.contains("was not encrypted"))
    #expect(ack.body.contains("encrypt any follow-up"))
    #expect(ack.body.contains("GATEWAYKEY"))
  }
}

@Suite struct MailTemplateTests {
  @Test func fillsValuesAndDropsEmptyBlocks() {
    let template = MailTemplate(parsing: "Subject: [{{case}}] hi\n\nA {{x}}\n{{#y}}\nshown {{y}}\n{{/y}}\n{{#z}}\nhidden\n{{/z}}\nend")
    let rendered = template.render(["case": "MP-1", "x": "one", "y": "two"])
    #expect(rendered.subject == "[MP-1] hi")
    #expect(rendered.body == "A one\nshown two\nend")
  }

  /// The Foundation `range(of:)` loop that the UTF-8 scan in `fill` replaced.
  static func rangeOfFill(_ text: String, _ values: [String: String]) -> String {
    var out = ""
    var rest = Substring(text)
    while let open = rest.range(of: "{{") {
      out += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        out += rest[open.lowerBound...]
        return out
      }
      let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      out += values[name] ?? ""
      rest = rest[close.upperBound...]
    }
    return out + rest
  }

  @Test("Placeholders and blocks come out as the code they replaced made them, on 20 000 seeded random templates")
  func agreesWithTheFoundationLoop() {
    var numbers = SeededNumbers(seed: 0x8CB9_2BA7_2F3D_8DD7)
    func next(_ bound: Int) -> Int { numbers.below(bound) }
    let pieces = ["{", "}", "{{", "}}", "{{#", "{{/", " ", "\t", "\n", "x", "y", "é", "€", "case", "{{x}}", "{{ y }}"]
    let values = ["x": "ex", "y": "", "case": "MP-2026-0001", "é": "{{x}}"]
    for _ in 0..<20_000 {
      let text = (0..<next(24)).map { _ in pieces[next(pieces.count)] }.joined()
      #expect(MailTemplate.fill(text, values) == Self.rangeOfFill(text, values), "\(text)")
    }
  }
}
