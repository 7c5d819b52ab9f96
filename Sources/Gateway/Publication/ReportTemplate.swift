import Foundation

/// The report forms reporters fill in, as shipped in Config/report-template.en.txt
/// and .nl.txt, for the policy pages.
///
/// A copy, because Config/ is not a resource of the Gateway module; a test checks
/// that it still equals the files. An organisation's own form goes in
/// `mail.templatesDirectory` as report-template.<language>.txt and wins.
public enum ReportTemplate {
  public static func builtIn(language: String) -> String { language == "nl" ? dutch : english }

  /// The form in `directory` when it holds one for `language`, else the built-in one.
  public static func text(language: String, directory: String?) -> String {
    if let directory, let data = FileManager.default.contents(atPath: "\(directory)/report-template.\(language).txt") {
      return String(decoding: data, as: UTF8.self)
    }
    return builtIn(language: language)
  }

  static let english = #"""
Reporting a vulnerability
=========================

Thank you for taking the time to tell us about a vulnerability. We handle every
report according to the coordinated vulnerability disclosure (CVD) guideline of
the Dutch National Cyber Security Centre (NCSC).

How to use this form
- Copy this form into the body of your e-mail as plain text.
- Write your answer after the colon or on the lines below each numbered heading.
- Leave a section empty if it does not apply or you do not know the answer.
- Do no more than you need to show the problem. Do not copy, change or delete
  data, and do not share the problem with others before it is fixed.
- Encrypt your message with the PGP key listed in our security.txt file.
- We confirm receipt within three working days and keep you informed until the
  problem is fixed.

1. Affected product or asset (name, web address or IP address):

2. Version (if known):

3. Vulnerability type (for example cross-site scripting or SQL injection):

4. CWE (the number, if known):

5. CVSS vector (if you calculated one):

6. Description:

7. Steps to reproduce:

8. Impact (what an attacker could do):

9. Proof of concept (requests, code or screenshots; attach files if needed):

10. Reporter name or handle:

11. How to be credited (name, handle or link, or "no credit"):

12. Disclosure preference and date (for example: publish together after the fix, from a certain date):

13. Consent to inform a coordinator (the NCSC or another CSIRT) (yes/no):

14. Contact preferences (e-mail, PGP key, language, times):
"""#

  static let dutch = #"""
Een kwetsbaarheid melden
========================

Bedankt dat u de moeite neemt om ons een kwetsbaarheid te melden. Wij behandelen
elke melding volgens de Leidraad Coordinated Vulnerability Disclosure (CVD) van
het Nationaal Cyber Security Centrum (NCSC).

Zo gebruikt u dit formulier
- Neem dit formulier over in de tekst van uw e-mail, als platte tekst.
- Zet uw antwoord achter de dubbele punt of op de regels onder elk genummerd kopje.
- Laat een onderdeel leeg als het niet van toepassing is of als u het antwoord
  niet weet.
- Doe niet meer dan nodig is om het probleem aan te tonen. Kopieer, wijzig of
  verwijder geen gegevens en deel het probleem niet met anderen voordat het is
  opgelost.
- Versleutel uw bericht met de PGP-sleutel die in ons security.txt-bestand staat.
- Wij bevestigen de ontvangst binnen drie werkdagen en houden u op de hoogte tot
  het probleem is opgelost.

1. Getroffen product of systeem (naam, webadres of IP-adres):

2. Versie (indien bekend):

3. Soort kwetsbaarheid (bijvoorbeeld cross-site scripting of SQL-injectie):

4. CWE (het nummer, indien bekend):

5. CVSS-vector (als u die heeft berekend):

6. Beschrijving:

7. Stappen om te reproduceren:

8. Impact (wat een aanvaller zou kunnen doen):

9. Proof of concept (verzoeken, code of schermafbeeldingen; voeg zo nodig bestanden toe):

10. Naam of alias melder:

11. Vermelding (credits) (naam, alias of link, of "geen vermelding"):

12. Openbaarmaking: voorkeur en datum (bijvoorbeeld: samen publiceren na het herstel, vanaf een bepaalde datum):

13. Toestemming om het NCSC te informeren (of een andere coördinator, zoals een CSIRT) (ja/nee):

14. Contactvoorkeur (e-mail, PGP-sleutel, taal, tijden):
"""#
}
