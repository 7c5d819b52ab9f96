import Cases
import Foundation
import Gateway
import MeldpuntTesting
import Testing

/// Cases built in memory, and the JSON checks both exports share.
enum DisclosureFixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let publisher = CSAFPublisher(name: "Example Org", namespace: "https://www.example.org",
                                       contactDetails: "security@example.org")

  /// Validates `json` against the official schema in Config/schemas with Debian's python3-jsonschema
  /// (4.10, no network): the FIRST CVSS schemas that CSAF refers to by URL come from the local
  /// copies, and `date-time` and `uri` are checked (this jsonschema has no checker of its own for them).
  static func validate(_ json: [UInt8], schema: String) throws -> String? {
    let script = #"""
      import json, re, sys, urllib.parse, jsonschema
      folder = sys.argv[1]
      schema = json.load(open(folder + "/" + sys.argv[2]))
      store = {}
      for name in ["cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json"]:
          sub = json.load(open(folder + "/" + name))
          store["https://www.first.org/cvss/" + name] = sub
          for key in ("$id", "id"):
              if key in sub: store[sub[key]] = sub
      resolver = jsonschema.RefResolver.from_schema(schema, store=store)
      def no_network(uri): raise ValueError("not available offline: " + uri)
      resolver.resolve_remote = no_network
      checker = jsonschema.FormatChecker()
      rfc3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
      @checker.checks("date-time")
      def date_time(value):
          return not isinstance(value, str) or bool(rfc3339.match(value))
      @checker.checks("uri")
      def uri(value):
          if not isinstance(value, str): return True
          parts = urllib.parse.urlsplit(value)
          return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", parts.scheme)) and " " not in value
      cls = jsonschema.validators.validator_for(schema)
      validator = cls(schema, resolver=resolver, format_checker=checker)
      errors = sorted(validator.iter_errors(json.load(sys.stdin)), key=lambda e: list(e.absolute_path))
      for e in errors: print("/".join(map(str, e.absolute_path)), e.message)
      sys.exit(1 if errors else 0)
      """#
    let result = try Command.run("/usr/bin/python3", ["-c", script, root.appendingPathComponent("Config/schemas").path, schema],
                                 stdin: json)
    return result.status == 0 ? nil : result.stdoutText + result.stderr
  }

  static func object(_ json: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any], "not a JSON object")
  }

  static func date(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: text)!
  }

  static let received = date("2026-02-02T09:00:00Z")
  static let now = date("2026-03-02T10:00:00Z")

  /// A case as the store would hold it after intake and some team work.
  static func makeCase(number: Int = 1, state: CaseState, title: String = "Reflected XSS in the portal search",
                       severity: Severity? = .high, cves: [String] = [], cwes: [String] = [], vectors: [String] = [],
                       assets: [String] = ["Customer portal"], creditAs: String? = nil, noCredit: Bool = false,
                       fixedAt: Date? = nil) -> Case {
    var c = Case(id: CaseID(year: 2026, number: number), state: state, title: title, severity: severity,
                 reporterAddress: "rita@reporter.example", reporterName: "Rita",
                 timeline: TimelinePolicy.ncscDefault.propose(receivedAt: received, severity: severity),
                 acknowledgedAt: received.addingTimeInterval(3600), verdict: Verdict(encryption: .full, signature: .none))
    c.cveIDs = cves
    c.cweIDs = cwes
    c.cvssVectors = vectors
    c.assets = assets
    c.language = "en"
    if creditAs != nil || noCredit {
      c.agreement = Agreement(fixDue: c.timeline.fixDue, creditAs: creditAs, noCredit: noCredit)
    }
    if [.triaged, .accepted, .fixing, .fixed, .disclosed, .closed, .rejected, .duplicate].contains(state) {
      c.triagedAt = received.addingTimeInterval(20 * 3600)
    }
    if [.fixed, .disclosed, .closed].contains(state) { c.fixedAt = fixedAt ?? date("2026-02-20T12:00:00Z") }
    return c
  }

  static let v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"
  static let v30 = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
  static let v40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"

  /// Named variants for `@Test(arguments:)`.
  struct Variant: Sendable, CustomStringConvertible {
    let description: String
    let make: @Sendable () -> Case
  }

  static let variants: [Variant] = [
    Variant(description: "fixed, CVE, CWE-79, v3.1, credit") {
      makeCase(state: .fixed, cves: ["CVE-2026-12345"], cwes: ["CWE-79"], vectors: [v31], creditAs: "Rita Researcher")
    },
    Variant(description: "accepted, no CVE, v4.0 only, credit undecided") {
      makeCase(state: .accepted, vectors: [v40])
    },
    Variant(description: "disclosed, NO-CREDIT, v3.0 and v4.0") {
      makeCase(state: .disclosed, cves: ["CVE-2026-0001"], vectors: [v40, v30], noCredit: true)
    },
    Variant(description: "new, no assets, no vectors, unknown CWE") {
      makeCase(state: .new, severity: nil, cwes: ["CWE-1234"], assets: [])
    },
    Variant(description: "closed, two CVEs, two assets") {
      makeCase(state: .closed, cves: ["CVE-2026-1111", "CVE-2026-2222"], cwes: ["CWE-9999", "CWE-89"], vectors: [v31],
               assets: ["Customer portal", "https://api.example.org/v2"], creditAs: "Team Ünïcode")
    },
    Variant(description: "rejected") { makeCase(state: .rejected, severity: Severity.none) },
    Variant(description: "duplicate, fixing-era timeline") { makeCase(state: .duplicate, cves: ["CVE-2026-4444"]) },
  ]
}

@Suite("CSAF export")
struct CSAFTests {
  @Test("Every variant validates against the official CSAF 2.0 schema", arguments: DisclosureFixtures.variants)
  func validates(_ variant: DisclosureFixtures.Variant) throws {
    let json = CSAFDocument(case: variant.make(), publisher: DisclosureFixtures.publisher, now: DisclosureFixtures.now,
                            advisoryURL: "https://www.example.org/security/MP-2026-0001.json", engineVersion: "0.9.0").json()
    #expect(try DisclosureFixtures.validate(json, schema: "csaf_json_schema_2.0.json") == nil)
  }

  @Test("The validator follows the CVSS references: a lowercase severity or a v3.0 vector labelled 3.1 fails")
  func validatorIsStrict() throws {
    let c = DisclosureFixtures.makeCase(state: .fixed, vectors: [DisclosureFixtures.v31])
    let good = try DisclosureFixtures.object(CSAFDocument(case: c, publisher: DisclosureFixtures.publisher, now: DisclosureFixtures.now).json())
    func broken(_ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
      var vulnerability = try #require((good["vulnerabilities"] as? [[String: Any]])?.first)
      var score = try #require((vulnerability["scores"] as? [[String: Any]])?.first)
      var cvss = try #require(score["cvss_v3"] as? [String: Any])
      change(&cvss)
      score["cvss_v3"] = cvss
      vulnerability["scores"] = [score]
      var doc = good
      doc["vulnerabilities"] = [vulnerability]
      return [UInt8](try JSONSerialization.data(withJSONObject: doc))
    }
    #expect(try DisclosureFixtures.validate(try broken { _ in }, schema: "csaf_json_schema_2.0.json") == nil)
    #expect(try DisclosureFixtures.validate(try broken { $0["baseSeverity"] = "medium" }, schema: "csaf_json_schema_2.0.json") != nil)
    #expect(try DisclosureFixtures.validate(try broken { $0["vectorString"] = DisclosureFixtures.v30 }, schema: "csaf_json_schema_2.0.json") != nil)
  }

  @Test("A fixed case: interim, fixed products, vendor fix, the CVSS v3.1 score, named CWE and the credited reporter")
  func fixedCase() throws {
    let c = DisclosureFixtures.makeCase(state: .fixed, cves: ["CVE-2026-12345"], cwes: ["CWE-79"],
                                        vectors: [DisclosureFixtures.v40, DisclosureFixtures.v31], creditAs: "Rita Researcher")
    let doc = try DisclosureFixtures.object(CSAFDocument(case: c, publisher: DisclosureFixtures.publisher, now: DisclosureFixtures.now).json())
    let document = try #require(doc["document"] as? [String: Any])
    #expect(document["category"] as? String == "csaf_security_advisory")
    #expect(document["csaf_version"] as? String == "2.0")
    #expect(document["title"] as? String == "MP-2026-0001: Reflected XSS in the portal search")
    let publisher = try #require(document["publisher"] as? [String: Any])
    #expect(publisher["name"] as? String == "Example Org")
    #expect(publisher["namespace"] as? String == "https://www.example.org")
    #expect(publisher["category"] as? String == "vendor")
    let tracking = try #require(document["tracking"] as? [String: Any])
    #expect(tracking["id"] as? String == "MP-2026-0001")
    #expect(tracking["status"] as? String == "interim")
    #expect(tracking["version"] as? String == "1")
    #expect(tracking["initial_release_date"] as? String == "2026-02-20T12:00:00Z")
    #expect((tracking["revision_history"] as? [[String: Any]])?.map { $0["number"] as? String } == ["1"])
    let notes = try #require(document["notes"] as? [[String: Any]])
    #expect(notes.contains { $0["category"] as? String == "summary" })
    #expect(notes.contains { ($0["text"] as? String)?.contains("thanks Rita Researcher") == true })

    let tree = try #require(doc["product_tree"] as? [String: Any])
    let vendor = try #require((tree["branches"] as? [[String: Any]])?.first)
    #expect(vendor["category"] as? String == "vendor")
    let product = try #require(((vendor["branches"] as? [[String: Any]])?.first)?["product"] as? [String: Any])
    #expect(product["product_id"] as? String == "CSAFPID-0001")
    #expect(product["name"] as? String == "Customer portal")

    let vulnerabilities = try #require(doc["vulnerabilities"] as? [[String: Any]])
    #expect(vulnerabilities.count == 1)
    let v = try #require(vulnerabilities.first)
    #expect(v["cve"] as? String == "CVE-2026-12345")
    let cwe = try #require(v["cwe"] as? [String: Any])
    #expect(cwe["id"] as? String == "CWE-79")
    #expect(cwe["name"] as? String == "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')")
    #expect((v["product_status"] as? [String: Any])?["fixed"] as? [String] == ["CSAFPID-0001"])
    #expect((v["product_status"] as? [String: Any])?["known_affected"] == nil)
    let remediation = try #require((v["remediations"] as? [[String: Any]])?.first)
    #expect(remediation["category"] as? String == "vendor_fix")
    #expect(remediation["product_ids"] as? [String] == ["CSAFPID-0001"])
    let scores = try #require(v["scores"] as? [[String: Any]])
    #expect(scores.count == 1)
    let cvss = try #require(scores.first?["cvss_v3"] as? [String: Any])
    #expect(cvss["version"] as? String == "3.1")
    #expect(cvss["vectorString"] as? String == DisclosureFixtures.v31)
    #expect(cvss["baseScore"] as? Double == 6.1)
    #expect(cvss["baseSeverity"] as? String == "MEDIUM")
    #expect((v["acknowledgments"] as? [[String: Any]])?.first?["names"] as? [String] == ["Rita Researcher"])
    #expect(v["discovery_date"] as? String == "2026-02-02T09:00:00Z")
    #expect(v["release_date"] == nil)
  }

  @Test("An open case is a draft (version 0), affected, without a fix; a v4.0 vector gives no score; no CVE, no cve key")
  func openCase() throws {
    let c = DisclosureFixtures.makeCase(state: .accepted, vectors: [DisclosureFixtures.v40])
    let doc = try DisclosureFixtures.object(CSAFDocument(case: c, publisher: DisclosureFixtures.publisher, now: DisclosureFixtures.now).json())
    let tracking = try #require((doc["document"] as? [String: Any])?["tracking"] as? [String: Any])
    #expect(tracking["status"] as? String == "draft")
    #expect(tracking["version"] as? String == "0")
    #expect(tracking["current_release_date"] as? String == "2026-03-02T10:00:00Z")
    let v = try #require((doc["vulnerabilities"] as? [[String: Any]])?.first)
    #expect(v["cve"] == nil)
    #expect(v["scores"] == nil)
    #expect(v["acknowledgments"] == nil)
    #expect((v["product_status"] as? [String: Any])?["known_affected"] as? [String] == ["CSAFPID-0001"])
    let remediation = try #require((v["remediations"] as? [[String: Any]])?.first)
    #expect(remediation["category"] as? String == "none_available")
    #expect((remediation["details"] as? String)?.contains("2026-04-03") == true)
  }

  @Test("NO-CREDIT: no acknowledgment anywhere; a disclosed case is final with revisions 1 and 2 and a release date")
  func disclosedWithoutCredit() throws {
    let c = DisclosureFixtures.makeCase(state: .disclosed, cves: ["CVE-2026-0001"], vectors: [DisclosureFixtures.v30], noCredit: true)
    let json = CSAFDocument(case: c, publisher: DisclosureFixtures.publisher, now: DisclosureFixtures.now).json()
    #expect(!String(decoding: json, as: UTF8.self).contains("Rita"))
    let doc = try DisclosureFixtures.object(json)
    let document = try #require(doc["document"] as? [String: Any])
    #expect(document["acknowledgments"] == nil)
    #expect((document["notes"] as? [[String: Any]])?.count == 1)
    let tracking = try #require(document["tracking"] as? [String: Any])
    #expect(tracking["status"] as? String == "final")
    #expect((tracking["revision_history"] as? [[String: Any]])?.map { $0["number"] as? String } == ["1", "2"])
    #expect(tracking["version"] as? String == "2")
    let v = try #require((doc["vulnerabilities"] as? [[String: Any]])?.first)
    #expect(v["acknowledgments"] == nil)
    // Proposed disclosure (60 days after receipt) lies after now, so the release is dated now.
    #expect(v["release_date"] as? String == "2026-03-02T10:00:00Z")
    #expect(((v["scores"] as? [[String: Any]])?.first?["cvss_v3"] as? [String: Any])?["baseSeverity"] as? String == "CRITICAL")
  }

  @Test("Each CVE is its own vulnerability; an unknown CWE is named in a note, not guessed")
  func severalCVEs() throws {
    let c = DisclosureFixtures.makeCase(state: .fixing, cves: ["CVE-2026-1111", "CVE-2026-2222"], cwes: ["CWE-1234"],
                                        assets: ["Portal", "API", "Portal"])
    let doc = try DisclosureFixtures.object(CSAFDocument(case: c, publisher: DisclosureFixtures.publisher, now: DisclosureFixtures.now).json())
    let vulnerabilities = try #require(doc["vulnerabilities"] as? [[String: Any]])
    #expect(vulnerabilities.map { $0["cve"] as? String } == ["CVE-2026-1111", "CVE-2026-2222"])
    #expect(vulnerabilities.allSatisfy { $0["cwe"] == nil })
    #expect(vulnerabilities.allSatisfy { (($0["notes"] as? [[String: Any]]) ?? []).contains { $0["text"] as? String == "CWE-1234" } })
    #expect((vulnerabilities.first?["product_status"] as? [String: Any])?["known_affected"] as? [String] == ["CSAFPID-0001", "CSAFPID-0002"])
  }
}

@Suite("OSV export")
struct OSVTests {
  @Test("Every variant validates against the official OSV schema", arguments: DisclosureFixtures.variants)
  func validates(_ variant: DisclosureFixtures.Variant) throws {
    let json = OSVRecord(case: variant.make(), organisation: "Example Org", advisoryURL: "https://www.example.org/security/MP-2026-0001",
                         now: DisclosureFixtures.now).json()
    #expect(try DisclosureFixtures.validate(json, schema: "osv-schema.json") == nil)
  }

  @Test("A package in an OSV ecosystem validates too")
  func withPackage() throws {
    let c = DisclosureFixtures.makeCase(state: .fixed, vectors: [DisclosureFixtures.v31])
    let record = OSVRecord(case: c, organisation: "Example Org", package: OSVPackage(ecosystem: "npm", name: "example-portal",
                                                                                     purl: "pkg:npm/example-portal"),
                           now: DisclosureFixtures.now)
    let json = record.json()
    #expect(try DisclosureFixtures.validate(json, schema: "osv-schema.json") == nil)
    let package = try #require(((try DisclosureFixtures.object(json))["affected"] as? [[String: Any]])?.first?["package"] as? [String: Any])
    #expect(package["ecosystem"] as? String == "npm")
    #expect(package["name"] as? String == "example-portal")
  }

  @Test("The schema catches what OSV forbids: an unregistered id prefix and an ecosystem of our own")
  func schemaIsStrict() throws {
    let c = DisclosureFixtures.makeCase(state: .fixed)
    let bareID = OSVRecord(case: c, organisation: "Example Org", idPrefix: "", now: DisclosureFixtures.now).json()
    #expect(try DisclosureFixtures.validate(bareID, schema: "osv-schema.json") != nil)
    let ownEcosystem = OSVRecord(case: c, organisation: "Example Org", package: OSVPackage(ecosystem: "Meldpunt", name: "portal"),
                                 now: DisclosureFixtures.now).json()
    #expect(try DisclosureFixtures.validate(ownEcosystem, schema: "osv-schema.json") != nil)
  }

  @Test("Fields: id, dates, aliases, severity per vector, credit only when wanted, the advisory reference")
  func fields() throws {
    let c = DisclosureFixtures.makeCase(state: .disclosed, cves: ["CVE-2026-12345"], cwes: ["CWE-79"],
                                        vectors: [DisclosureFixtures.v31, DisclosureFixtures.v40], creditAs: "Rita Researcher")
    let record = try DisclosureFixtures.object(OSVRecord(case: c, organisation: "Example Org",
                                                         advisoryURL: "https://www.example.org/security/MP-2026-0001",
                                                         now: DisclosureFixtures.now).json())
    #expect(record["id"] as? String == "x_MP-2026-0001")
    #expect(record["schema_version"] as? String == "1.6.0")
    #expect(record["modified"] as? String == "2026-03-02T10:00:00Z")
    #expect(record["published"] as? String == "2026-03-02T10:00:00Z")
    #expect(record["aliases"] as? [String] == ["CVE-2026-12345"])
    #expect(record["summary"] as? String == "Reflected XSS in the portal search")
    let severity = try #require(record["severity"] as? [[String: Any]])
    #expect(severity.map { $0["type"] as? String } == ["CVSS_V3", "CVSS_V4"])
    #expect(severity.first?["score"] as? String == DisclosureFixtures.v31)
    #expect((record["credits"] as? [[String: Any]])?.first?["name"] as? String == "Rita Researcher")
    #expect((record["credits"] as? [[String: Any]])?.first?["type"] as? String == "FINDER")
    #expect((record["references"] as? [[String: Any]])?.first?["type"] as? String == "ADVISORY")
    #expect(record["affected"] == nil)
    let specific = try #require(record["database_specific"] as? [String: Any])
    #expect(specific["case_id"] as? String == "MP-2026-0001")
    #expect(specific["assets"] as? [String] == ["Customer portal"])

    let unnamed = try DisclosureFixtures.object(OSVRecord(case: DisclosureFixtures.makeCase(state: .accepted, noCredit: true),
                                                          organisation: "Example Org", now: DisclosureFixtures.now).json())
    #expect(unnamed["credits"] == nil)
    #expect(unnamed["aliases"] == nil)
    #expect(unnamed["severity"] == nil)
    #expect((unnamed["database_specific"] as? [String: Any])?["fix_due"] as? String == "2026-04-03")
  }
}

@Suite("Team digest")
struct DigestTests {
  static func at(_ text: String) -> Date { DisclosureFixtures.date(text) }

  /// Eight cases with hand-set dates; `now` is Monday 2 March 2026 10:00 UTC, the period starts 1 February.
  static func seeded() -> [Case] {
    func make(_ number: Int, _ state: CaseState, _ severity: Severity?, received: String, ackDue: String, triageDue: String,
              fixDue: String, acknowledged: String?, triaged: String?, fixed: String?, agreedFixDue: String? = nil) -> Case {
      let timeline = Timeline(receivedAt: at(received), acknowledgeDue: at(ackDue), triageDue: at(triageDue), fixDue: at(fixDue),
                              proposedDisclosure: at(fixDue))
      var c = Case(id: CaseID(year: 2026, number: number), state: state, title: "Case \(number)", severity: severity,
                   reporterAddress: "r\(number)@reporter.example", timeline: timeline, acknowledgedAt: acknowledged.map(at),
                   verdict: Verdict(encryption: .full, signature: .none))
      c.triagedAt = triaged.map(at)
      c.fixedAt = fixed.map(at)
      if let agreedFixDue { c.agreement = Agreement(fixDue: at(agreedFixDue)) }
      return c
    }
    return [
      // Before the period: only its overdue fix shows.
      make(1, .fixing, .high, received: "2026-01-20T09:00:00Z", ackDue: "2026-01-21T09:00:00Z", triageDue: "2026-01-23T09:00:00Z",
           fixDue: "2026-03-01T09:00:00Z", acknowledged: "2026-01-20T11:00:00Z", triaged: "2026-01-22T09:00:00Z", fixed: nil),
      make(2, .fixed, .critical, received: "2026-02-02T09:00:00Z", ackDue: "2026-02-03T09:00:00Z", triageDue: "2026-02-05T09:00:00Z",
           fixDue: "2026-03-01T09:00:00Z", acknowledged: "2026-02-02T11:00:00Z", triaged: "2026-02-03T09:00:00Z",
           fixed: "2026-02-12T09:00:00Z"),
      // Assessed a day late; the agreed fix date (3 March) is due soon, the proposed one (4 April) is not.
      make(3, .accepted, .high, received: "2026-02-03T09:00:00Z", ackDue: "2026-02-04T09:00:00Z", triageDue: "2026-02-05T09:00:00Z",
           fixDue: "2026-04-04T09:00:00Z", acknowledged: "2026-02-03T13:00:00Z", triaged: "2026-02-06T09:00:00Z", fixed: nil,
           agreedFixDue: "2026-03-03T09:00:00Z"),
      make(4, .fixing, .medium, received: "2026-02-10T09:00:00Z", ackDue: "2026-02-11T09:00:00Z", triageDue: "2026-02-13T09:00:00Z",
           fixDue: "2026-02-28T09:00:00Z", acknowledged: "2026-02-10T10:00:00Z", triaged: "2026-02-12T09:00:00Z", fixed: nil),
      make(5, .disclosed, .low, received: "2026-02-16T09:00:00Z", ackDue: "2026-02-17T09:00:00Z", triageDue: "2026-02-19T09:00:00Z",
           fixDue: "2026-03-15T09:00:00Z", acknowledged: "2026-02-16T15:00:00Z", triaged: "2026-02-16T19:00:00Z",
           fixed: "2026-02-22T09:00:00Z"),
      // Rejected: no fix promise.
      make(6, .rejected, nil, received: "2026-02-20T09:00:00Z", ackDue: "2026-02-23T09:00:00Z", triageDue: "2026-02-25T09:00:00Z",
           fixDue: "2026-02-25T09:00:00Z", acknowledged: "2026-02-20T12:00:00Z", triaged: "2026-02-21T15:00:00Z", fixed: nil),
      // Not acknowledged, an hour past due; assessment due tomorrow.
      make(7, .new, nil, received: "2026-02-27T09:00:00Z", ackDue: "2026-03-02T09:00:00Z", triageDue: "2026-03-03T09:00:00Z",
           fixDue: "2026-04-28T09:00:00Z", acknowledged: nil, triaged: nil, fixed: nil),
      make(8, .triaged, .high, received: "2026-03-01T12:00:00Z", ackDue: "2026-03-02T17:00:00Z", triageDue: "2026-03-05T09:00:00Z",
           fixDue: "2026-05-01T09:00:00Z", acknowledged: "2026-03-01T13:00:00Z", triaged: "2026-03-02T08:00:00Z", fixed: nil),
    ]
  }

  static func digest(since: Date? = at("2026-02-01T00:00:00Z")) -> Digest {
    Digest.make(cases: seeded(), since: since, now: DisclosureFixtures.now, policy: .ncscDefault, warnWithin: 2)
  }

  @Test("Counts by state and severity cover only the period, every bucket present")
  func counts() {
    let d = Self.digest()
    #expect(d.cases == 7)
    #expect(d.byState == ["new": 1, "triaged": 1, "accepted": 1, "rejected": 1, "duplicate": 0, "fixing": 1, "fixed": 1,
                          "disclosed": 1, "closed": 0])
    #expect(d.bySeverity == ["none": 0, "low": 1, "medium": 1, "high": 2, "critical": 1, "unrated": 2])
    #expect(Self.digest(since: nil).cases == 8)
    #expect(Self.digest(since: nil).byState["fixing"] == 2)
  }

  @Test("Medians: acknowledge 2.5 h, assess 27 h, fix 8 days; nil without data")
  func medians() {
    let d = Self.digest()
    #expect(d.medianHoursToAcknowledge == 2.5)
    #expect(d.medianHoursToAssess == 27)
    #expect(d.medianDaysToFix == 8)
    let empty = Digest.make(cases: Self.seeded(), since: Self.at("2026-03-02T00:00:00Z"), now: DisclosureFixtures.now,
                            policy: .ncscDefault, warnWithin: 2)
    #expect(empty.cases == 0)
    #expect(empty.medianHoursToAcknowledge == nil)
    #expect(empty.medianDaysToFix == nil)
  }

  @Test("Promises per kind at now: kept, broken, due soon, pending")
  func promises() {
    let d = Self.digest()
    #expect(d.promises["acknowledge"] == Digest.PromiseCounts(kept: 6, broken: 1, dueSoon: 0, pending: 0))
    #expect(d.promises["triage"] == Digest.PromiseCounts(kept: 5, broken: 1, dueSoon: 1, pending: 0))
    #expect(d.promises["fix"] == Digest.PromiseCounts(kept: 2, broken: 1, dueSoon: 1, pending: 2))
  }

  @Test("Overdue and due-soon lists span every open case, the period aside; a promise kept late is not listed")
  func atRisk() {
    let d = Self.digest()
    #expect(d.overdue.map { "\($0.caseID) \($0.kind.rawValue)" } == ["MP-2026-0001 fix", "MP-2026-0004 fix", "MP-2026-0007 acknowledge"])
    #expect(d.dueSoon.map { "\($0.caseID) \($0.kind.rawValue)" } == ["MP-2026-0003 fix", "MP-2026-0007 triage"])
    #expect(d.dueSoon.first?.due == Self.at("2026-03-03T09:00:00Z"))
  }

  @Test("Text for people and JSON for scripts carry the same figures")
  func output() throws {
    let d = Self.digest()
    let text = d.text()
    #expect(text.contains("Cases received since 2026-02-01: 7"))
    #expect(text.contains("By state: new 1, triaged 1, accepted 1, rejected 1, duplicate 0, fixing 1, fixed 1, disclosed 1, closed 0"))
    #expect(text.contains("By severity: critical 1, high 2, medium 1, low 1, none 0, unrated 2"))
    #expect(text.contains("Median time to acknowledge: 2.5 hours"))
    #expect(text.contains("Median time to assess:      27.0 hours"))
    #expect(text.contains("Median time to fix:         8.0 days"))
    #expect(text.contains("fix                2       1         1        2"))
    #expect(text.contains("Overdue (3):"))
    #expect(text.contains("  MP-2026-0007  acknowledge  due 2026-03-02 09:00:00 UTC"))
    #expect(text.contains("Due soon (2):"))

    let json = try DisclosureFixtures.object(d.json())
    #expect(json["cases"] as? Int == 7)
    #expect(json["medianHoursToAssess"] as? Double == 27)
    #expect((json["promises"] as? [String: Any]).flatMap { $0["fix"] as? [String: Any] }?["pending"] as? Int == 2)
    #expect((json["overdue"] as? [[String: Any]])?.first?["caseID"] as? String == "MP-2026-0001")
    #expect((json["overdue"] as? [[String: Any]])?.first?["due"] as? String == "2026-03-01T09:00:00Z")
    let none = try DisclosureFixtures.object(Digest.make(cases: [], since: nil, now: DisclosureFixtures.now, policy: .ncscDefault,
                                                         warnWithin: 2).json())
    #expect(none["medianDaysToFix"] is NSNull)
    #expect(none["since"] is NSNull)
  }
}
