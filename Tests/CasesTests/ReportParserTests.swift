import Cases
import Foundation
import Testing

@Suite struct ReportParserTests {
  typealias Fixtures = ReportParserFixtures

  @Test func englishTemplateReport() {
    let fields = ReportParser.parse(Fixtures.englishTemplate)
    #expect(fields.language == "en")
    #expect(fields.product == "Customer portal, https://portal.example.org/account")
    #expect(fields.version == "Portal release 4.12.0 (shown in the footer)")
    #expect(fields.vulnerabilityType == "Stored cross-site scripting")
    #expect(fields.description?.hasPrefix("The \"display name\" field on the profile page") == true)
    #expect(fields.description?.hasSuffix("who opens the overview.") == true)
    #expect(fields.stepsToReproduce?.hasPrefix("1. Log in at https://portal.example.org/login") == true)
    #expect(fields.stepsToReproduce?.contains("\n4. The alert shows portal.example.org.") == true)
    #expect(fields.impact?.hasPrefix("An attacker inside a customer organisation") == true)
    #expect(fields.proofOfConcept?.contains("    Host: portal.example.org") == true)
    #expect(fields.reporterName == "Sanne de Wit (sdewit)")
    #expect(fields.credit == "Sanne de Wit, https://sdewit.example.net")
    #expect(fields.wantsNoCredit == false)
    #expect(fields.disclosurePreference == "Coordinated disclosure after the fix, not before 1 June 2026.")
    #expect(fields.disclosureDate == Fixtures.day(2026, 6, 1))
    #expect(fields.consentToCoordinator == true)
    #expect(fields.contactPreferences?.hasPrefix("E-mail only, encrypted") == true)
    #expect(fields.cweIDs == ["CWE-79"])
    #expect(fields.cveIDs == [])
    #expect(fields.cvssVectors == ["CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N"])
    #expect(fields.urls == ["https://portal.example.org/account", "https://portal.example.org/login",
                            "https://sdewit.example.net"])
    #expect(fields.hosts == ["portal.example.org", "sdewit.example.net"])
    #expect(Set(fields.sections.keys) == [
      "product", "version", "vulnerabilityType", "cweIDs", "cvssVectors", "description", "stepsToReproduce",
      "impact", "proofOfConcept", "reporterName", "credit", "disclosurePreference", "consentToCoordinator",
      "contactPreferences",
    ])
    #expect(fields.sections["cweIDs"] == "CWE-79")
  }

  @Test func dutchTemplateReport() {
    let fields = ReportParser.parse(Fixtures.dutchTemplate)
    #expect(fields.language == "nl")
    #expect(fields.product == "Het afsprakensysteem op https://afspraken.gemeente.example.nl")
    #expect(fields.version == "onbekend, de versie staat nergens vermeld")
    #expect(fields.vulnerabilityType == "Insecure direct object reference (IDOR)")
    #expect(fields.description?.hasPrefix("Na het inloggen kan ik de afspraken") == true)
    #expect(fields.stepsToReproduce?.hasPrefix("1. Log in met DigiD") == true)
    #expect(fields.stepsToReproduce?.hasSuffix("van een andere inwoner.") == true)
    #expect(fields.impact?.hasPrefix("Iedere ingelogde gebruiker") == true)
    #expect(fields.proofOfConcept == "Zie de bijgevoegde schermafbeelding (namen onherkenbaar gemaakt).")
    #expect(fields.reporterName == "Pieter Jansen")
    #expect(fields.credit == "geen vermelding, dank u")
    #expect(fields.wantsNoCredit == true)
    #expect(fields.disclosurePreference == "Gecoördineerd, graag na het herstel en niet eerder dan 1 maart 2027.")
    #expect(fields.disclosureDate == Fixtures.day(2027, 3, 1))
    #expect(fields.consentToCoordinator == true)
    #expect(fields.contactPreferences == "Per e-mail, in het Nederlands.")
    #expect(fields.cweIDs == ["CWE-639"])
    #expect(fields.cvssVectors == ["CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"])
    #expect(fields.urls == ["https://afspraken.gemeente.example.nl",
                            "https://afspraken.gemeente.example.nl/afspraak/100231"])
    #expect(fields.hosts == ["afspraken.gemeente.example.nl"])
    #expect(fields.sections.count == 14)
  }

  @Test func freeFormEnglishYieldsOnlyWhatIsInTheText() {
    let fields = ReportParser.parse(Fixtures.freeFormEnglish)
    #expect(fields.language == "en")
    #expect(fields.cveIDs == ["CVE-2023-45678"])
    #expect(fields.cvssVectors == ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"])
    #expect(fields.urls == ["https://shop.example.com/search?q=test"])
    #expect(fields.hosts == ["shop.example.com", "10.20.30.40"])
    #expect(fields.cweIDs == [])
    // Nothing labelled, so nothing guessed.
    #expect(fields.sections == [:])
    let unlabelled = ReportFields(language: "en", cveIDs: fields.cveIDs, cvssVectors: fields.cvssVectors,
                                  urls: fields.urls, hosts: fields.hosts)
    #expect(fields == unlabelled)
  }

  @Test func freeFormDutch() {
    let fields = ReportParser.parse(Fixtures.freeFormDutch)
    #expect(fields.language == "nl")
    #expect(fields.cveIDs == ["CVE-2020-35730"])
    #expect(fields.cweIDs == ["CWE-79"])
    #expect(fields.urls == ["https://nvd.nist.gov/vuln/detail/CVE-2020-35730"])
    #expect(fields.hosts == ["mail.example.nl", "nvd.nist.gov"])
    #expect(fields.sections == [:])
    #expect(fields.wantsNoCredit == nil)
    #expect(fields.consentToCoordinator == nil)
    #expect(fields.disclosureDate == nil)
  }

  @Test func markdownHeadingsAndBoldLabels() {
    let fields = ReportParser.parse(Fixtures.markdown)
    #expect(fields.language == "en")
    #expect(fields.product == "`reports.example.org` (the PDF export of the analytics dashboard)")
    #expect(fields.vulnerabilityType == "Server-side request forgery (CWE-918)")
    #expect(fields.description?.hasSuffix("internal hosts such as grafana.internal.") == true)
    #expect(fields.stepsToReproduce?.hasPrefix("```\ncurl -s") == true)
    #expect(fields.stepsToReproduce?.contains("Impact: this line belongs to the code block") == true)
    #expect(fields.impact == "full read access to the cloud metadata, including temporary credentials.")
    #expect(fields.credit == "please credit \"0xmira\"")
    #expect(fields.wantsNoCredit == false)
    #expect(fields.disclosurePreference == "90 days after this report, on 2026-07-15")
    #expect(fields.disclosureDate == Fixtures.day(2026, 7, 15))
    #expect(fields.consentToCoordinator == false)
    #expect(fields.cweIDs == ["CWE-918"])
    #expect(fields.urls == [
      "https://reports.example.org/export?format=pdf&logoUrl=http://169.254.169.254/latest/meta-data/",
    ])
    #expect(fields.hosts == ["reports.example.org", "169.254.169.254", "grafana.internal"])
    #expect(fields.sections["summary"] == nil)  // the title is a heading, not a label
  }

  @Test func noCreditPleaseInRunningText() {
    let fields = ReportParser.parse(Fixtures.noCredit)
    #expect(fields.wantsNoCredit == true)
    #expect(fields.credit == nil)
    #expect(fields.stepsToReproduce?.hasPrefix("Run `sslscan vpn.example.org`") == true)
    #expect(fields.hosts == ["vpn.example.org"])
    #expect(fields.urls == ["https://vpn.example.org/"])
    #expect(fields.consentToCoordinator == nil)  // said in passing, not answered: not guessed
  }

  @Test func messySpacingAndCRLF() {
    let fields = ReportParser.parse(Fixtures.messyCRLF)
    #expect(fields.product == "Intranet")
    #expect(fields.version == "2.0.3")
    #expect(fields.vulnerabilityType == "Open redirect")
    #expect(fields.description == """
      The login page redirects to any 'next' parameter,
      for example https://intranet.example.org/login?next=https://evil.example.
      """)
    #expect(fields.credit == "anonymous")
    #expect(fields.wantsNoCredit == true)
    #expect(fields.consentToCoordinator == true)
    #expect(fields.urls == ["https://intranet.example.org/login?next=https://evil.example"])
    #expect(fields.hosts == ["intranet.example.org"])
    #expect(!(fields.sections.values.contains { $0.contains("\r") }))
  }

  @Test func numberedLabelsWithParentheses() {
    let fields = ReportParser.parse(Fixtures.numbered)
    #expect(fields.product == "api.example.org")
    #expect(fields.version == "v3 and v4 of the REST API")
    #expect(fields.stepsToReproduce == """
      a. Request a reset code for a known user.
      b. Try all 1,000,000 codes; nothing stops you.
      """)
    #expect(fields.impact == "account takeover of any user")
    #expect(fields.reporterName == "R. Kowalski")
    #expect(fields.disclosureDate == Fixtures.day(2026, 9, 1))
    #expect(fields.disclosurePreference == nil)
    #expect(fields.contactPreferences == "r.kowalski@example.com, Signal on request")
    #expect(fields.sections["summary"] == "Missing rate limit on the password reset endpoint")
    #expect(fields.sections["severity"] == "high")
    #expect(fields.sections["remediation"] == "limit attempts per account and per IP address")
    #expect(fields.sections["disclosureDate"] == "01-09-2026")
    #expect(fields.hosts == ["api.example.org"])
    #expect(fields.wantsNoCredit == nil)
  }

  @Test(arguments: [
    "Impact: high", "impact: high", "IMPACT : high", "3. Impact: high", "3) Impact: high", "(3) Impact: high",
    "## Impact\nhigh", "### 3. Impact ###\nhigh", "**Impact:** high", "**Impact**: high", "__Impact:__ high",
    "- Impact: high", "* **Impact:** high", "Impact\n------\nhigh", "Potential impact (worst case): high",
    "Gevolgen: high", "8. Impact (wat een aanvaller zou kunnen doen):\n  high\n",
  ])
  func labelForms(_ text: String) {
    #expect(ReportParser.parse(text).impact == "high")
  }

  @Test(arguments: [
    ("Affected product: Portal", "Portal"), ("Affected asset: Portal", "Portal"), ("Product: Portal", "Portal"),
    ("Target: Portal", "Portal"), ("Getroffen systeem: Portal", "Portal"), ("getroffen product: Portal", "Portal"),
    ("Affected product or asset:\nPortal", "Portal"), ("AFFECTED PRODUCT/ASSET: Portal", "Portal"),
  ])
  func productSynonyms(_ text: String, _ product: String) {
    #expect(ReportParser.parse(text).product == product)
  }

  @Test func labelWithAColonInIt() {
    let fields = ReportParser.parse("Openbaarmaking: voorkeur en datum: na herstel, uiterlijk 01-03-2026")
    #expect(fields.disclosurePreference == "na herstel, uiterlijk 01-03-2026")
    #expect(fields.disclosureDate == Fixtures.day(2026, 3, 1))
    let short = ReportParser.parse("Openbaarmaking: na het herstel")
    #expect(short.disclosurePreference == "na het herstel")
  }

  @Test func repeatedLabelsAreJoinedInOrder() {
    let fields = ReportParser.parse("Impact: first\nVersion: 1\nImpact: second\nImpact:\n")
    #expect(fields.impact == "first\n\nsecond")
    #expect(fields.version == "1")
  }

  @Test func unknownLabelsStayInTheirSection() {
    let fields = ReportParser.parse("Description:\nNote: the header matters.\nHost: a.example.org\nImpact: none")
    #expect(fields.description == "Note: the header matters.\nHost: a.example.org")
    #expect(fields.impact == "none")
  }

  @Test(arguments: [
    ("2026-03-01", 2026, 3, 1), ("1 March 2026", 2026, 3, 1), ("1 maart 2026", 2026, 3, 1),
    ("01-03-2026", 2026, 3, 1), ("1-3-2026", 2026, 3, 1), ("01/03/2026", 2026, 3, 1), ("1.3.2026", 2026, 3, 1),
    ("March 1, 2026", 2026, 3, 1), ("1st of March, 2026", 2026, 3, 1), ("1 mrt. 2026", 2026, 3, 1),
    ("after the fix, but no later than 15 Sep 2026", 2026, 9, 15), ("(2026-12-31)", 2026, 12, 31),
    ("niet voor 29 februari 2028", 2028, 2, 29), ("1e oktober 2026", 2026, 10, 1),
  ])
  func disclosureDates(_ text: String, _ year: Int, _ month: Int, _ day: Int) {
    let fields = ReportParser.parse("Disclosure preference: \(text)")
    #expect(fields.disclosureDate == Fixtures.day(year, month, day))
    #expect(fields.disclosurePreference == text)
  }

  @Test(arguments: [
    "after the fix", "31-02-2026", "29 February 2027", "version 10.1.3.2026", "2026", "March 2026", "13/13/2026",
    "CVE-2026-0301",
  ])
  func notADisclosureDate(_ text: String) {
    #expect(ReportParser.parse("Disclosure: \(text)").disclosureDate == nil)
  }

  @Test(arguments: [
    ("yes", true), ("Yes.", true), ("YES, you may inform the NCSC", true), ("ja", true), ("Ja, graag", true),
    ("true", true), ("I agree", true), ("no objection", true), ("geen bezwaar", true), ("[x] yes [ ] no", true),
    ("[ ] ja [x] nee", false), ("no", false), ("No, please don't", false), ("nee", false), ("false", false),
    ("liever niet", false), ("I do not consent", false),
  ])
  func consentAnswers(_ answer: String, _ consent: Bool) {
    #expect(ReportParser.parse("Consent to inform a coordinator: \(answer)").consentToCoordinator == consent)
    #expect(ReportParser.parse("Toestemming om het NCSC te informeren:\n\(answer)\n").consentToCoordinator == consent)
  }

  @Test(arguments: ["yes/no", "ja/nee", "maybe", "ask me first", "-"])
  func undecidedConsent(_ answer: String) {
    #expect(ReportParser.parse("Consent: \(answer)").consentToCoordinator == nil)
  }

  @Test(arguments: [
    ("no credit", true), ("No credit please", true), ("none", true), ("Anonymous", true), ("anoniem", true),
    ("geen vermelding", true), ("Please do not credit me", true), ("I'd rather stay anonymous", true),
    ("No thanks", true), ("Jan Jansen", false), ("Credit me as @jj on Mastodon", false),
    ("Vermeld mij als Jan", false), ("yes, as 0xmira", false), ("Not necessary", true), ("Hoeft niet", true),
  ])
  func creditAnswers(_ answer: String, _ declines: Bool) {
    let fields = ReportParser.parse("Credit: \(answer)")
    #expect(fields.wantsNoCredit == declines)
    #expect(fields.credit == answer)
  }

  @Test func creditInRunningText() {
    #expect(ReportParser.parse("Please keep me anonymous... no credit, thanks.").wantsNoCredit == true)
    #expect(ReportParser.parse("Ik blijf liever anoniem.").wantsNoCredit == true)
    #expect(ReportParser.parse("No credit card numbers were exposed.").wantsNoCredit == nil)
    #expect(ReportParser.parse("Anonymous users can read every invoice.").wantsNoCredit == nil)
    #expect(ReportParser.parse("Name: Anonymous").wantsNoCredit == true)
    // The template's hint mentions "no credit"; an empty answer says nothing.
    #expect(ReportParser.parse("11. How to be credited (name, handle or link, or \"no credit\"):\n\n").wantsNoCredit
      == nil)
  }

  @Test func identifiersAreNormalisedAndUnique() {
    let fields = ReportParser.parse("""
      See cve-2021-44228 and CVE-2021-44228, CWE 502, cwe-0502 and CWE:20; not CVE-21-1, CVE-2021-123,
      xCVE-2021-44229 or CWE-.
      Score: CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H. Old score (AV:N/AC:L/Au:N/C:P/I:P/A:P).
      Not a vector: CVSS:3.1 and AV:N alone.
      """)
    #expect(fields.cveIDs == ["CVE-2021-44228"])
    #expect(fields.cweIDs == ["CWE-502", "CWE-20"])
    #expect(fields.cvssVectors == ["CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:N/AC:L/Au:N/C:P/I:P/A:P"])
  }

  @Test func urlsLoseTrailingPunctuation() {
    let fields = ReportParser.parse("""
      See https://example.org/a. Also (https://example.org/b), <https://example.org/c>,
      [docs](https://example.org/d) and https://en.wikipedia.org/wiki/Foo_(bar). "HTTP://Example.ORG:8443/x?y=1#z"
      http://user:pass@[2001:db8::1]:8080/ and http:// alone.
      """)
    #expect(fields.urls == [
      "https://example.org/a", "https://example.org/b", "https://example.org/c", "https://example.org/d",
      "https://en.wikipedia.org/wiki/Foo_(bar)", "HTTP://Example.ORG:8443/x?y=1#z",
      "http://user:pass@[2001:db8::1]:8080/",
    ])
    #expect(fields.hosts == ["example.org", "en.wikipedia.org", "2001:db8::1"])
  }

  @Test(arguments: [
    "e.g. this", "i.e. that", "See report.pdf", "index.php", "version 1.2.3", "v2.4.1.7", "Node.js", "ASP.NET",
    "README.md", "exploit.py", "run.sh", "main.rs", "lib.so", "user.id", "System.IO", "window.location",
    "document.cookie", "jan@example.nl", "/var/www/site.nl/index.html", "my_site.nl", "a..b.com", "-.com",
    "999.1.1.1", "1.2.3.4.5", "etc.", "o.a. het portaal", "d.w.z. nu", "It works.Then it fails.",
    "user.name=1", "foo.com(", "config.json",
  ])
  func notHosts(_ text: String) {
    #expect(ReportParser.parse(text).hosts == [], "\(text)")
  }

  @Test(arguments: [
    ("portal.example.org", "portal.example.org"), ("PORTAL.EXAMPLE.ORG", "portal.example.org"),
    ("Host: 10.1.2.3", "10.1.2.3"), ("at 192.168.0.1:8080.", "192.168.0.1"), ("www.example.nl/admin", "www.example.nl"),
    ("api.example.pl", "api.example.pl"), ("grafana.internal", "grafana.internal"), ("portal.example.org.", "portal.example.org"),
    ("--host=db.example.com", "db.example.com"), ("x.example.co.uk", "x.example.co.uk"),
  ])
  func bareHosts(_ text: String, _ host: String) {
    #expect(ReportParser.parse(text).hosts == [host])
  }

  @Test func codableRoundTrip() throws {
    let fields = ReportParser.parse(Fixtures.englishTemplate)
    let data = try JSONEncoder().encode(fields)
    #expect(try JSONDecoder().decode(ReportFields.self, from: data) == fields)
  }
}
