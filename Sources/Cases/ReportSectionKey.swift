/// The sections a report can have, by canonical key, with the labels reporters use for them.
///
/// Raw values are the keys of `ReportFields.sections`; for sections with a property of
/// their own they are that property's name. Labels are written as a reporter would
/// write them; `ReportLabel.normalise` turns both these and the text of a report into
/// the same lowercase, accent-free, punctuation-free form before they are compared, so
/// "Proof-of-concept", "proof of concept" and "**Proof of Concept:**" are one label.
enum ReportSectionKey: String, CaseIterable, Sendable {
  case product, version, vulnerabilityType, cweIDs, cveIDs, cvssVectors
  case description, stepsToReproduce, impact, proofOfConcept
  case reporterName, credit, disclosurePreference, disclosureDate, consentToCoordinator, contactPreferences
  // Sections without a property of their own; they only appear in `sections`.
  case summary, severity, remediation, references, attachments, discoveryDate, additionalInformation

  /// English labels.
  var englishLabels: [String] {
    switch self {
    case .product:
      ["affected product or asset", "affected product", "affected asset", "affected products", "affected assets",
       "affected product/asset", "affected system", "affected systems", "affected service", "affected application",
       "affected component", "affected url", "affected urls", "affected domain", "affected host",
       "affected website", "product", "asset", "target", "system", "application", "component", "service",
       "product or asset", "product/service", "scope", "vulnerable system", "vulnerable product"]
    case .version:
      ["version", "versions", "affected version", "affected versions", "software version", "product version",
       "build", "release", "tested version", "target version", "version tested"]
    case .vulnerabilityType:
      ["vulnerability type", "type of vulnerability", "type", "vulnerability class", "vulnerability category",
       "category", "weakness", "weakness type", "kind of vulnerability", "issue type", "vulnerability",
       "bug type"]
    case .cweIDs:
      ["cwe", "cwe id", "cwe ids", "cwe number", "cwe classification", "cwe reference"]
    case .cveIDs:
      ["cve", "cve id", "cve ids", "cve number", "cve reference"]
    case .cvssVectors:
      ["cvss", "cvss vector", "cvss vector string", "cvss score", "cvss 3.1", "cvss v3.1", "cvss 3.1 vector",
       "cvss v3.1 vector", "cvss 4.0", "cvss v4", "cvss 4.0 vector", "cvss v4.0 vector", "cvss v3", "cvss v3 vector",
       "cvss base vector", "cvss base score", "cvss rating"]
    case .description:
      ["description", "vulnerability description", "description of the vulnerability", "description of the issue",
       "details", "technical details", "vulnerability details", "issue description", "finding", "findings"]
    case .stepsToReproduce:
      ["steps to reproduce", "steps to reproduce the issue", "steps", "reproduction steps", "reproduction",
       "how to reproduce", "repro steps", "repro", "to reproduce", "reproduce", "steps to replicate"]
    case .impact:
      ["impact", "potential impact", "business impact", "security impact", "consequences", "risk to users"]
    case .proofOfConcept:
      ["proof of concept", "poc", "proof", "exploit", "exploit code", "proof of concept code", "evidence"]
    case .reporterName:
      ["reporter name or handle", "reporter name", "reporter", "reporter handle", "name", "your name",
       "name or handle", "handle", "researcher", "researcher name", "reported by", "found by", "discovered by",
       "finder", "full name"]
    case .credit:
      ["how to be credited", "credit", "credits", "credit as", "credited as", "how would you like to be credited",
       "how do you want to be credited", "acknowledgement", "acknowledgment", "acknowledgements", "attribution",
       "hall of fame", "credit preference"]
    case .disclosurePreference:
      ["disclosure preference and date", "disclosure preference", "disclosure preferences", "disclosure",
       "disclosure plan", "disclosure timeline", "disclosure policy", "publication", "publication preference",
       "coordinated disclosure", "disclosure intentions"]
    case .disclosureDate:
      ["disclosure date", "publication date", "planned disclosure date", "planned publication date",
       "intended disclosure date", "public disclosure date"]
    case .consentToCoordinator:
      ["consent to inform a coordinator", "consent to inform the ncsc", "consent to inform ncsc",
       "consent to involve a coordinator", "consent to involve the ncsc", "consent", "coordinator", "ncsc",
       "may we inform the ncsc", "may we inform a coordinator", "may we involve the ncsc",
       "may we share this with the ncsc", "inform the ncsc", "involve the ncsc", "coordinator consent",
       "csirt"]
    case .contactPreferences:
      ["contact preferences", "contact preference", "contact", "contact details", "contact information",
       "contact info", "how to contact you", "how can we contact you", "preferred contact", "preferred contact method",
       "e-mail", "email", "email address", "e-mail address"]
    case .summary:
      ["summary", "title", "subject", "short summary", "tl;dr"]
    case .severity:
      ["severity", "risk", "risk rating", "criticality", "priority", "severity rating"]
    case .remediation:
      ["remediation", "mitigation", "suggested fix", "recommended fix", "recommendation", "recommendations", "fix",
       "solution", "suggested remediation", "workaround"]
    case .references:
      ["references", "links", "sources", "further reading"]
    case .attachments:
      ["attachments", "attachment", "files", "screenshots"]
    case .discoveryDate:
      ["date discovered", "discovered on", "date of discovery", "discovery date"]
    case .additionalInformation:
      ["additional information", "additional info", "other information", "notes", "comments", "remarks", "other",
       "anything else"]
    }
  }

  /// Dutch labels. Words Dutch reporters use as they are (Impact, Proof of concept, CWE)
  /// are in both lists, which makes them count for neither language.
  var dutchLabels: [String] {
    switch self {
    case .product:
      ["getroffen product of systeem", "getroffen product", "getroffen systeem", "getroffen systeem of product",
       "getroffen systemen", "getroffen producten", "getroffen dienst", "getroffen applicatie", "getroffen website",
       "getroffen asset", "betrokken product", "betrokken systeem", "kwetsbaar systeem", "kwetsbaar product",
       "kwetsbare applicatie", "systeem", "applicatie", "dienst", "doelwit", "webadres", "url", "product", "asset"]
    case .version:
      ["versie", "versies", "getroffen versie", "getroffen versies", "versienummer", "softwareversie", "geteste versie"]
    case .vulnerabilityType:
      ["soort kwetsbaarheid", "type kwetsbaarheid", "kwetsbaarheidstype", "soort", "categorie", "kwetsbaarheid",
       "aard van de kwetsbaarheid", "soort zwakte", "type"]
    case .cweIDs:
      ["cwe", "cwe nummer", "cwe-nummer", "cwe-id"]
    case .cveIDs:
      ["cve", "cve nummer", "cve-nummer", "cve-id"]
    case .cvssVectors:
      ["cvss", "cvss-vector", "cvss-score"]
    case .description:
      ["beschrijving", "omschrijving", "beschrijving van de kwetsbaarheid", "omschrijving van de kwetsbaarheid",
       "toelichting", "technische details", "bevinding", "bevindingen"]
    case .stepsToReproduce:
      ["stappen om te reproduceren", "stappen", "reproductie", "reproductiestappen", "stappen om na te bootsen",
       "hoe te reproduceren", "stappenplan", "reproduceren"]
    case .impact:
      ["impact", "gevolgen", "mogelijke gevolgen", "mogelijke impact", "effect", "risico voor gebruikers"]
    case .proofOfConcept:
      ["proof of concept", "poc", "exploit", "bewijs", "demonstratie", "bewijsmateriaal"]
    case .reporterName:
      ["naam of alias melder", "naam melder", "naam of alias", "naam", "uw naam", "je naam", "melder",
       "naam van de melder", "alias", "gemeld door", "ontdekt door", "gevonden door"]
    case .credit:
      ["credits", "credit", "vermelding", "vermelding credits", "naamsvermelding", "credits vermelding",
       "hoe wilt u vermeld worden", "hoe wil je vermeld worden", "erkenning"]
    case .disclosurePreference:
      ["openbaarmaking voorkeur en datum", "openbaarmaking", "voorkeur openbaarmaking", "openbaarmaking voorkeur",
       "publicatie", "voorkeur voor openbaarmaking", "openbaarmaking en datum"]
    case .disclosureDate:
      ["datum openbaarmaking", "publicatiedatum", "gewenste datum openbaarmaking", "datum van openbaarmaking",
       "datum publicatie"]
    case .consentToCoordinator:
      ["toestemming om het ncsc te informeren", "toestemming om een coordinator te informeren",
       "toestemming om het ncsc of een ander csirt te informeren", "toestemming ncsc", "toestemming",
       "ncsc informeren", "mogen wij het ncsc informeren", "mogen we het ncsc informeren",
       "toestemming coordinator", "coordinator"]
    case .contactPreferences:
      ["contact", "e-mail", "email", "contactvoorkeur", "contactvoorkeuren", "contactgegevens", "contact opnemen", "bereikbaarheid",
       "e-mailadres", "hoe kunnen wij u bereiken", "voorkeur voor contact"]
    case .summary:
      ["samenvatting", "titel", "onderwerp", "korte samenvatting"]
    case .severity:
      ["ernst", "ernstniveau", "ernstigheid", "risico", "prioriteit", "risiconiveau"]
    case .remediation:
      ["oplossing", "aanbeveling", "aanbevelingen", "mitigatie", "herstel", "voorgestelde oplossing",
       "oplossingsrichting", "tijdelijke oplossing"]
    case .references:
      ["referenties", "bronnen", "verwijzingen"]
    case .attachments:
      ["bijlagen", "bijlage", "bestanden", "schermafbeeldingen"]
    case .discoveryDate:
      ["datum ontdekking", "ontdekt op", "datum van ontdekking"]
    case .additionalInformation:
      ["aanvullende informatie", "overige informatie", "opmerkingen", "overig", "overige opmerkingen",
       "aanvullende opmerkingen"]
    }
  }
}
