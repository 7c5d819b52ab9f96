import Foundation

/// Reports as reporters send them, written for these tests (names, hosts and
/// findings are made up; hosts use reserved example domains and private addresses).
enum ReportParserFixtures {
  static func day(_ year: Int, _ month: Int, _ day: Int) -> Date? {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    return calendar.date(from: DateComponents(year: year, month: month, day: day))
  }

  /// The English template, filled in the way reporters do: some answers after the
  /// colon, some below, the hints left in place.
  static let englishTemplate = """
    Hello security team,

    Please find my report below.

    1. Affected product or asset (name, web address or IP address): Customer portal, https://portal.example.org/account

    2. Version (if known):
    Portal release 4.12.0 (shown in the footer)

    3. Vulnerability type (for example cross-site scripting or SQL injection): Stored cross-site scripting

    4. CWE (the number, if known): CWE-79

    5. CVSS vector (if you calculated one):
    CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N

    6. Description:
    The "display name" field on the profile page is rendered without output
    encoding on the team overview page. Any logged-in user can store HTML and
    script that runs in the browser of every colleague who opens the overview.

    7. Steps to reproduce:
      1. Log in at https://portal.example.org/login with a normal account.
      2. Go to Profile and set the display name to <img src=x onerror=alert(document.domain)>.
      3. Log in as another user of the same organisation and open Team overview.
      4. The alert shows portal.example.org.

    8. Impact (what an attacker could do):
    An attacker inside a customer organisation can act as any colleague,
    including administrators, for example to add users or read invoices.

    9. Proof of concept (requests, code or screenshots; attach files if needed):
    See the attached screenshot overview.png and the request below.

        POST /api/profile HTTP/1.1
        Host: portal.example.org
        Content-Type: application/json

        {"displayName": "<img src=x onerror=alert(document.domain)>"}

    10. Reporter name or handle: Sanne de Wit (sdewit)

    11. How to be credited (name, handle or link, or "no credit"):
    Sanne de Wit, https://sdewit.example.net

    12. Disclosure preference and date (for example: publish together after the fix, from a certain date):
    Coordinated disclosure after the fix, not before 1 June 2026.

    13. Consent to inform a coordinator (the NCSC or another CSIRT) (yes/no): Yes

    14. Contact preferences (e-mail, PGP key, language, times):
    E-mail only, encrypted with my key 0x1A2B3C4D. English or Dutch is fine.
    """

  static let dutchTemplate = """
    Beste lezer,

    Hierbij mijn melding volgens jullie formulier.

    1. Getroffen product of systeem (naam, webadres of IP-adres):
    Het afsprakensysteem op https://afspraken.gemeente.example.nl

    2. Versie (indien bekend): onbekend, de versie staat nergens vermeld

    3. Soort kwetsbaarheid (bijvoorbeeld cross-site scripting of SQL-injectie):
    Insecure direct object reference (IDOR)

    4. CWE (het nummer, indien bekend): CWE-639

    5. CVSS-vector (als u die heeft berekend): CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N

    6. Beschrijving:
    Na het inloggen kan ik de afspraken van andere inwoners opvragen door het
    nummer in de adresbalk te veranderen. De server controleert niet of de
    afspraak bij het ingelogde account hoort.

    7. Stappen om te reproduceren:
    1. Log in met DigiD (testaccount) en maak een afspraak.
    2. Open de afspraak: https://afspraken.gemeente.example.nl/afspraak/100231
    3. Verander het nummer in 100230.
    4. U ziet naam, adres en reden van de afspraak van een andere inwoner.

    8. Impact (wat een aanvaller zou kunnen doen):
    Iedere ingelogde gebruiker kan persoonsgegevens van alle inwoners met een
    afspraak inzien. Ik heb alleen twee nummers geprobeerd en niets bewaard.

    9. Proof of concept (verzoeken, code of schermafbeeldingen; voeg zo nodig bestanden toe):
    Zie de bijgevoegde schermafbeelding (namen onherkenbaar gemaakt).

    10. Naam of alias melder: Pieter Jansen

    11. Vermelding (credits) (naam, alias of link, of "geen vermelding"): geen vermelding, dank u

    12. Openbaarmaking: voorkeur en datum (bijvoorbeeld: samen publiceren na het herstel, vanaf een bepaalde datum):
    Gecoördineerd, graag na het herstel en niet eerder dan 1 maart 2027.

    13. Toestemming om het NCSC te informeren (of een andere coördinator, zoals een CSIRT) (ja/nee):
    Ja

    14. Contactvoorkeur (e-mail, PGP-sleutel, taal, tijden):
    Per e-mail, in het Nederlands.
    """

  /// Free-form English, as most reports arrive.
  static let freeFormEnglish = """
    Hi,

    While looking at your webshop I noticed that the search endpoint at
    https://shop.example.com/search?q=test reflects the query parameter into an
    SQL statement. Adding a single quote gives a database error, and a time-based
    payload delays the response by exactly the requested number of seconds. I
    stopped there and did not read any data.

    This looks like the same problem as CVE-2023-45678 in the shop plugin, which
    was fixed in version 2.4.1. I would rate it CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
    (critical), since no login is needed. The backend seems to be 10.20.30.40
    according to an error message, e.g. in the X-Backend header.

    Kind regards,
    Alex
    """

  /// Free-form Dutch.
  static let freeFormDutch = """
    Goedemiddag,

    Ik wil graag een kwetsbaarheid melden. Op de server mail.example.nl draait een
    verouderde versie van de webmail (1.4.11) waarin CVE-2020-35730 (CWE-79) nog
    niet is opgelost. Een aanvaller kan met een speciaal opgemaakte e-mail
    JavaScript laten uitvoeren in de browser van de ontvanger, zie ook
    https://nvd.nist.gov/vuln/detail/CVE-2020-35730.

    Ik heb dit alleen vastgesteld aan de hand van het versienummer op de inlogpagina
    en heb geen misbruik gemaakt van het lek. Het bestand info.php op dezelfde server
    geeft daarnaast de volledige PHP-configuratie weer.

    Met vriendelijke groet,
    Marieke
    """

  /// A report written in Markdown, headings and bold labels mixed.
  static let markdown = """
    # SSRF in PDF export

    ## Affected asset
    `reports.example.org` (the PDF export of the analytics dashboard)

    ## Vulnerability type
    Server-side request forgery (CWE-918)

    ## Description
    The export takes a `logoUrl` parameter and fetches it from the server. Internal
    addresses are not blocked, so the export can reach the metadata service at
    169.254.169.254 and internal hosts such as grafana.internal.

    ## Steps to reproduce
    ```
    curl -s 'https://reports.example.org/export?format=pdf&logoUrl=http://169.254.169.254/latest/meta-data/'
    Impact: this line belongs to the code block, not to a new section
    ```

    **Impact:** full read access to the cloud metadata, including temporary credentials.

    **Credit**: please credit "0xmira"

    **Disclosure**: 90 days after this report, on 2026-07-15

    **Consent to inform the NCSC**: no, I would rather not.
    """

  static let noCredit = """
    Hello,

    Your VPN portal vpn.example.org still accepts TLS 1.0 and the cipher suites
    listed below. See https://vpn.example.org/ and the attached scan output.

    Steps to reproduce:
    Run `sslscan vpn.example.org` from any machine on the internet.

    No credit please, I am reporting this on behalf of a friend. You may share it
    with the NCSC.
    """

  /// Messy spacing, odd capitals and CRLF line ends, as some mail clients send them.
  static let messyCRLF = [
    "   product :   Intranet   ",
    "",
    "VERSION:2.0.3",
    "type   of   vulnerability:Open redirect  ",
    "",
    "",
    "description:",
    "\tThe login page redirects to any 'next' parameter,",
    "\tfor example https://intranet.example.org/login?next=https://evil.example.",
    "",
    "CREDIT :  anonymous",
    "consent:YES",
    "",
  ].joined(separator: "\r\n")

  /// Labels numbered with parentheses, a hint on the label and no hints at all.
  static let numbered = """
    1) Target: api.example.org
    2) Versions: v3 and v4 of the REST API
    3) Summary: Missing rate limit on the password reset endpoint
    4) Steps:
       a. Request a reset code for a known user.
       b. Try all 1,000,000 codes; nothing stops you.
    5) Impact: account takeover of any user
    6) Severity: high
    7) Suggested fix: limit attempts per account and per IP address
    8) Name: R. Kowalski
    9) Disclosure date: 01-09-2026
    10) Contact: r.kowalski@example.com, Signal on request
    """
}
