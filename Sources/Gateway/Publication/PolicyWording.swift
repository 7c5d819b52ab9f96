import Cases

/// The words of the published policy, in English and Dutch, with the configured
/// terms filled in. Each section answers one question a reporter has, in the order
/// the NCSC guideline discusses them: what is covered, how to report, what the
/// organisation promises, what it asks, what happens with publication.
enum PolicyWording {
  typealias Block = PolicyPage.Block
  typealias Inline = PolicyPage.Inline

  static func blocks(_ language: PolicyPage.Language, facts: PolicyPage.Facts, safeHarbour: String, reportForm: String) -> [Block] {
    switch language {
    case .en: return english(facts, safeHarbour: safeHarbour, reportForm: reportForm)
    case .nl: return dutch(facts, safeHarbour: safeHarbour, reportForm: reportForm)
    }
  }

  /// Severities with their own fix term, most severe first.
  static func severityTerms(_ timeline: TimelinePolicy) -> [(Severity, Int)] {
    Severity.allCases.reversed().compactMap { severity in timeline.fixDays[severity].map { (severity, $0) } }
  }

  // MARK: English

  static func english(_ facts: PolicyPage.Facts, safeHarbour: String, reportForm: String) -> [Block] {
    let org = facts.organisation
    let t = facts.timeline
    // No-break spaces keep "60 days" on one line of the plain text.
    func days(_ n: Int) -> String { n == 1 ? "1\u{00A0}day" : "\(n)\u{00A0}days" }
    func workingDays(_ n: Int) -> String { n == 1 ? "1\u{00A0}working\u{00A0}day" : "\(n)\u{00A0}working\u{00A0}days" }
    var blocks: [Block] = [
      .title("Coordinated vulnerability disclosure policy of \(org)"),
      .paragraph([.text("\(org) considers the security of its systems important. If you find a vulnerability in one of them, please tell us, so that we can fix it before others misuse it. We work with you as the coordinated vulnerability disclosure guideline of the Dutch National Cyber Security Centre (NCSC) describes.")]),
      .heading("What this policy covers"),
    ]
    if facts.scope.inScope.isEmpty {
      blocks.append(.paragraph([.text("This policy covers the systems and services of \(org).")]))
    } else {
      blocks.append(.paragraph([.text("This policy covers:")]))
      blocks.append(.list(facts.scope.inScope.map { [.code($0)] }))
    }
    if !facts.scope.outOfScope.isEmpty {
      blocks.append(.paragraph([.text("It does not cover:")]))
      blocks.append(.list(facts.scope.outOfScope.map { [.code($0)] }))
    }
    blocks.append(.paragraph([.text("If you are not sure whether something is covered, report it all the same: we will tell you.")]))

    blocks += [
      .heading("How to report"),
      .paragraph([.text("Email your report to "), .link(facts.address, url: "mailto:" + facts.address),
                  .text(". Encrypt it with our OpenPGP key, and sign it with your own key if you have one: then we can answer you encrypted, and only you can change what we agree.")]),
      .paragraph([.text("Please include what is affected, the type of vulnerability, the steps to reproduce it, what an attacker could do with it, and how we can reach you. The easiest way is this form: copy it into your email as plain text and fill it in.")]),
      .preformatted(reportForm),
      .heading("Our key"),
      .paragraph([.text("Fingerprint: "), .code(PolicyPage.grouped(facts.fingerprint))]),
      .list([
        [.text("Download it from "), .link(facts.keyURL, url: facts.keyURL), .text(", or")],
        [.text("let your mail program find it in our Web Key Directory, for example with "), .code("gpg --locate-keys \(facts.address)"), .text(".")],
      ]),
      .paragraph([.text("Check the fingerprint before you use the key. Our "), .link("security.txt", url: facts.securityTxtURL),
                  .text(facts.securityTxtSigned ? " names the same key and is signed with it." : " names the same key.")]),
      .heading("What we promise"),
      .paragraph([.text("You get an automatic receipt with a case number at once. Then:")]),
    ]
    var promises: [[Inline]] = [
      [.text("a person replies within \(workingDays(t.acknowledgeWorkingDays));")],
      [.text("we assess your report within \(workingDays(t.triageWorkingDays)) and tell you whether we consider it a vulnerability and when we expect to fix it;")],
      [.text("we aim to fix the vulnerability within \(days(t.defaultFixDays)) of your report.")],
    ]
    let terms = severityTerms(t)
    if !terms.isEmpty {
      promises[2] = [.text("we aim to fix the vulnerability within a term that depends on its severity: "
        + terms.map { "\($0.0.rawValue)\u{00A0}\(days($0.1))" }.joined(separator: ", ")
        + "; otherwise \(days(t.defaultFixDays)) of your report.")]
    }
    blocks.append(.list(promises))
    blocks.append(.paragraph([.text((t.calendar.publicHolidays == .netherlands
      ? "Working days are Monday to Friday, except Dutch public holidays."
      : "Working days are Monday to Friday.")
      + (t.maxExtensionDays > 0 ? " If a fix needs more time, we can agree a later date with you, up to \(days(t.maxExtensionDays)) beyond the term." : ""))]))
    blocks.append(.paragraph([.text("We keep you informed of our progress, and we treat your report and your personal details confidentially: we do not share them with others without your consent, unless the law requires us to.")]))

    blocks += [
      .heading("What we ask of you"),
      .list([
        [.text("Report the vulnerability to us as soon as you can.")],
        [.text("Do no more than you need to show the problem: do not copy, change or delete data, and do not change the system's settings.")],
        [.text("Do not use social engineering, denial of service, physical attacks, spam, or malware.")],
        [.text("Do not share the vulnerability with others until it is fixed and we have agreed a date to publish.")],
        [.text("Delete any data you obtained as soon as you no longer need it for the report.")],
      ]),
      .heading("Safe harbour"),
      .paragraph([.text(safeHarbour)]),
      .heading("Publication"),
      .paragraph([.text("We publish together with you, on a date we agree. "
        + (t.disclosureDelayDays > 0
          ? "Unless we agree otherwise, we propose to publish \(days(t.disclosureDelayDays)) after the fix term ends, so that users have time to install the fix."
          : "Unless we agree otherwise, we propose to publish when the fix term ends.")
        + " If you want to be named as the one who found the vulnerability, we will credit you as you ask; if you do not, we will not.")]),
      .heading("Involving the NCSC or another coordinator"),
      .paragraph([.text("With your consent, we can inform the NCSC or another coordinator (a CSIRT), for example when the vulnerability also affects other organisations, or when we cannot agree on the terms. You give or withhold that consent in the form (item 13), or later with the keyword "),
                  .code("CONSENT-NCSC"), .text(". You may also ask a coordinator such as the NCSC for help yourself if we do not respond.")]),
      .heading("After your report"),
      .paragraph([.text("Our receipt names your case, for example "), .code("MP-2026-0001"),
                  .text(". Keep the case number in the subject of every message about it. To agree the terms, write one keyword per line in a reply signed with the key that signed your report:")]),
      .list([
        [.code("ACCEPT"), .text(": you accept the proposed timeline;")],
        [.code("COUNTER 2027-02-15"), .text(": you propose another fix date;")],
        [.code("DISCLOSE 2027-03-01"), .text(": you propose the date of publication;")],
        [.code("CREDIT-AS \"name\""), .text(": how to credit you;")],
        [.code("NO-CREDIT"), .text(": do not name you;")],
        [.code("CONSENT-NCSC yes"), .text(" or "), .code("CONSENT-NCSC no"), .text(": whether we may inform the NCSC or another coordinator.")],
      ]),
      .paragraph([.text("We send you every change to what we agreed, signed with our key.")]),
    ]
    return blocks
  }

  // MARK: Dutch

  static func dutch(_ facts: PolicyPage.Facts, safeHarbour: String, reportForm: String) -> [Block] {
    let org = facts.organisation
    let t = facts.timeline
    func days(_ n: Int) -> String { n == 1 ? "1\u{00A0}dag" : "\(n)\u{00A0}dagen" }
    func workingDays(_ n: Int) -> String { n == 1 ? "1\u{00A0}werkdag" : "\(n)\u{00A0}werkdagen" }
    let severityNames: [Severity: String] = [.critical: "kritiek", .high: "hoog", .medium: "middel", .low: "laag", .none: "geen"]
    var blocks: [Block] = [
      .title("Beleid voor coordinated vulnerability disclosure van \(org)"),
      .paragraph([.text("\(org) vindt de veiligheid van haar systemen belangrijk. Vindt u een kwetsbaarheid in een van die systemen, meld die dan bij ons, zodat wij haar kunnen verhelpen voordat anderen er misbruik van maken. Wij werken met u samen zoals de Leidraad Coordinated Vulnerability Disclosure van het Nationaal Cyber Security Centrum (NCSC) beschrijft.")]),
      .heading("Waar dit beleid over gaat"),
    ]
    if facts.scope.inScope.isEmpty {
      blocks.append(.paragraph([.text("Dit beleid geldt voor de systemen en diensten van \(org).")]))
    } else {
      blocks.append(.paragraph([.text("Dit beleid geldt voor:")]))
      blocks.append(.list(facts.scope.inScope.map { [.code($0)] }))
    }
    if !facts.scope.outOfScope.isEmpty {
      blocks.append(.paragraph([.text("Het geldt niet voor:")]))
      blocks.append(.list(facts.scope.outOfScope.map { [.code($0)] }))
    }
    blocks.append(.paragraph([.text("Weet u niet zeker of iets eronder valt? Meld het dan toch: wij laten het u weten.")]))

    blocks += [
      .heading("Zo meldt u een kwetsbaarheid"),
      .paragraph([.text("Stuur uw melding per e-mail naar "), .link(facts.address, url: "mailto:" + facts.address),
                  .text(". Versleutel haar met onze OpenPGP-sleutel en onderteken haar met uw eigen sleutel als u die heeft: dan kunnen wij u versleuteld antwoorden en kunt alleen u wijzigen wat we afspreken.")]),
      .paragraph([.text("Vermeld wat er getroffen is, het soort kwetsbaarheid, de stappen om haar te reproduceren, wat een aanvaller ermee zou kunnen doen en hoe wij u kunnen bereiken. Dat gaat het makkelijkst met dit formulier: neem het als platte tekst over in uw e-mail en vul het in.")]),
      .preformatted(reportForm),
      .heading("Onze sleutel"),
      .paragraph([.text("Vingerafdruk: "), .code(PolicyPage.grouped(facts.fingerprint))]),
      .list([
        [.text("Download haar van "), .link(facts.keyURL, url: facts.keyURL), .text(", of")],
        [.text("laat uw e-mailprogramma haar vinden in onze Web Key Directory, bijvoorbeeld met "), .code("gpg --locate-keys \(facts.address)"), .text(".")],
      ]),
      .paragraph([.text("Controleer de vingerafdruk voordat u de sleutel gebruikt. Ons "), .link("security.txt", url: facts.securityTxtURL),
                  .text(facts.securityTxtSigned ? " noemt dezelfde sleutel en is ermee ondertekend." : " noemt dezelfde sleutel.")]),
      .heading("Wat wij beloven"),
      .paragraph([.text("U krijgt meteen een automatische ontvangstbevestiging met een zaaknummer. Daarna:")]),
    ]
    var promises: [[Inline]] = [
      [.text("antwoordt een medewerker binnen \(workingDays(t.acknowledgeWorkingDays));")],
      [.text("beoordelen wij uw melding binnen \(workingDays(t.triageWorkingDays)) en laten wij u weten of wij haar als kwetsbaarheid zien en wanneer wij haar verwachten te verhelpen;")],
      [.text("streven wij ernaar de kwetsbaarheid binnen \(days(t.defaultFixDays)) na uw melding te verhelpen.")],
    ]
    let terms = severityTerms(t)
    if !terms.isEmpty {
      promises[2] = [.text("streven wij ernaar de kwetsbaarheid te verhelpen binnen een termijn die van de ernst afhangt: "
        + terms.map { "\(severityNames[$0.0] ?? $0.0.rawValue)\u{00A0}\(days($0.1))" }.joined(separator: ", ")
        + "; anders binnen \(days(t.defaultFixDays)) na uw melding.")]
    }
    blocks.append(.list(promises))
    blocks.append(.paragraph([.text((t.calendar.publicHolidays == .netherlands
      ? "Werkdagen zijn maandag tot en met vrijdag, behalve Nederlandse feestdagen."
      : "Werkdagen zijn maandag tot en met vrijdag.")
      + (t.maxExtensionDays > 0 ? " Heeft het herstel meer tijd nodig, dan kunnen wij met u een latere datum afspreken, tot \(days(t.maxExtensionDays)) na de termijn." : ""))]))
    blocks.append(.paragraph([.text("Wij houden u op de hoogte van de voortgang en behandelen uw melding en uw persoonsgegevens vertrouwelijk: wij delen ze niet zonder uw toestemming met anderen, tenzij de wet ons daartoe verplicht.")]))

    blocks += [
      .heading("Wat wij van u vragen"),
      .list([
        [.text("Meld de kwetsbaarheid zo snel mogelijk bij ons.")],
        [.text("Doe niet meer dan nodig is om het probleem aan te tonen: kopieer, wijzig of verwijder geen gegevens en verander geen instellingen van het systeem.")],
        [.text("Gebruik geen social engineering, denial-of-service, fysieke aanvallen, spam of malware.")],
        [.text("Deel de kwetsbaarheid niet met anderen totdat zij verholpen is en wij een datum voor publicatie hebben afgesproken.")],
        [.text("Verwijder gegevens die u heeft verkregen zodra u ze niet meer nodig heeft voor de melding.")],
      ]),
      .heading("Vrijwaring"),
      .paragraph([.text(safeHarbour)]),
      .heading("Openbaarmaking"),
      .paragraph([.text("Wij publiceren samen met u, op een datum die we afspreken. "
        + (t.disclosureDelayDays > 0
          ? "Tenzij we iets anders afspreken, stellen wij voor te publiceren \(days(t.disclosureDelayDays)) na het einde van de hersteltermijn, zodat gebruikers tijd hebben het herstel te installeren."
          : "Tenzij we iets anders afspreken, stellen wij voor te publiceren aan het einde van de hersteltermijn.")
        + " Wilt u genoemd worden als degene die de kwetsbaarheid vond, dan vermelden wij u zoals u vraagt; wilt u dat niet, dan doen wij het niet.")]),
      .heading("Het NCSC of een andere coördinator inschakelen"),
      .paragraph([.text("Met uw toestemming kunnen wij het NCSC of een andere coördinator (een CSIRT) informeren, bijvoorbeeld als de kwetsbaarheid ook andere organisaties raakt, of als wij het niet eens worden over de termijnen. U geeft of weigert die toestemming in het formulier (punt 13), of later met het sleutelwoord "),
                  .code("CONSENT-NCSC"), .text(". Reageren wij niet, dan kunt u ook zelf een coördinator zoals het NCSC om hulp vragen.")]),
      .heading("Na uw melding"),
      .paragraph([.text("Onze ontvangstbevestiging noemt uw zaak, bijvoorbeeld "), .code("MP-2026-0001"),
                  .text(". Houd het zaaknummer in het onderwerp van elk bericht erover. Om de termijnen af te spreken schrijft u één sleutelwoord per regel in een antwoord dat u ondertekent met de sleutel waarmee u uw melding ondertekende:")]),
      .list([
        [.code("ACCEPT"), .text(": u aanvaardt de voorgestelde termijnen;")],
        [.code("COUNTER 2027-02-15"), .text(": u stelt een andere hersteldatum voor;")],
        [.code("DISCLOSE 2027-03-01"), .text(": u stelt een datum voor publicatie voor;")],
        [.code("CREDIT-AS \"naam\""), .text(": hoe wij u vermelden;")],
        [.code("NO-CREDIT"), .text(": noem u niet;")],
        [.code("CONSENT-NCSC ja"), .text(" of "), .code("CONSENT-NCSC nee"), .text(": of wij het NCSC of een andere coördinator mogen informeren.")],
      ]),
      .paragraph([.text("Elke wijziging in wat we afspraken sturen wij u, ondertekend met onze sleutel.")]),
    ]
    return blocks
  }
}
