import MIME
import Testing

/// Punycode, IDNA and the look-alike checks on reporter addresses.
@Suite("Address forms")
struct AddressFormsTests {
  // MARK: Punycode (RFC 3492)

  /// RFC 3492 §7.1, samples A–H and J–S; I is tested alone for its mixed-case annotation.
  static let rfc3492Samples: [(name: String, unicode: String, punycode: String)] = [
    ("A Arabic",
     "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}"
       + "\u{0631}\u{0628}\u{064A}\u{061F}",
     "egbpdaj6bu4bxfgehfvwxn"),
    ("B Chinese (simplified)", "\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}",
     "ihqwcrb4cv8a8dqg056pqjye"),
    ("C Chinese (traditional)", "\u{4ED6}\u{5011}\u{7232}\u{4EC0}\u{9EBD}\u{4E0D}\u{8AAA}\u{4E2D}\u{6587}",
     "ihqwctvzc91f659drss3x8bo0yb"),
    ("D Czech", "Pro\u{010D}prost\u{011B}nemluv\u{00ED}\u{010D}esky", "Proprostnemluvesky-uyb24dma41a"),
    ("E Hebrew",
     "\u{05DC}\u{05DE}\u{05D4}\u{05D4}\u{05DD}\u{05E4}\u{05E9}\u{05D5}\u{05D8}\u{05DC}\u{05D0}\u{05DE}\u{05D3}"
       + "\u{05D1}\u{05E8}\u{05D9}\u{05DD}\u{05E2}\u{05D1}\u{05E8}\u{05D9}\u{05EA}",
     "4dbcagdahymbxekheh6e0a7fei0b"),
    ("F Hindi",
     "\u{092F}\u{0939}\u{0932}\u{094B}\u{0917}\u{0939}\u{093F}\u{0928}\u{094D}\u{0926}\u{0940}\u{0915}\u{094D}"
       + "\u{092F}\u{094B}\u{0902}\u{0928}\u{0939}\u{0940}\u{0902}\u{092C}\u{094B}\u{0932}\u{0938}\u{0915}\u{0924}"
       + "\u{0947}\u{0939}\u{0948}\u{0902}",
     "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"),
    ("G Japanese",
     "\u{306A}\u{305C}\u{307F}\u{3093}\u{306A}\u{65E5}\u{672C}\u{8A9E}\u{3092}\u{8A71}\u{3057}\u{3066}\u{304F}"
       + "\u{308C}\u{306A}\u{3044}\u{306E}\u{304B}",
     "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"),
    ("H Korean",
     "\u{C138}\u{ACC4}\u{C758}\u{BAA8}\u{B4E0}\u{C0AC}\u{B78C}\u{B4E4}\u{C774}\u{D55C}\u{AD6D}\u{C5B4}\u{B97C}"
       + "\u{C774}\u{D574}\u{D55C}\u{B2E4}\u{BA74}\u{C5BC}\u{B9C8}\u{B098}\u{C88B}\u{C744}\u{AE4C}",
     "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"),
    ("J Spanish", "Porqu\u{00E9}nopuedensimplementehablarenEspa\u{00F1}ol",
     "PorqunopuedensimplementehablarenEspaol-fmd56a"),
    ("K Vietnamese",
     "T\u{1EA1}isaoh\u{1ECD}kh\u{00F4}ngth\u{1EC3}ch\u{1EC9}n\u{00F3}iti\u{1EBF}ngVi\u{1EC7}t",
     "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"),
    ("L 3<nen>B<gumi>", "3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}", "3B-ww4c5e180e575a65lsy2b"),
    ("M with-SUPER-MONKEYS", "\u{5B89}\u{5BA4}\u{5948}\u{7F8E}\u{6075}-with-SUPER-MONKEYS",
     "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
    ("N Hello-Another-Way", "Hello-Another-Way-\u{305D}\u{308C}\u{305E}\u{308C}\u{306E}\u{5834}\u{6240}",
     "Hello-Another-Way--fc4qua05auwb3674vfr0b"),
    ("O hitotsu yane no shita 2", "\u{3072}\u{3068}\u{3064}\u{5C4B}\u{6839}\u{306E}\u{4E0B}2", "2-u9tlzr9756bt3uc0v"),
    ("P MajiKoi5", "Maji\u{3067}Koi\u{3059}\u{308B}5\u{79D2}\u{524D}", "MajiKoi5-783gue6qz075azm5e"),
    ("Q de", "\u{30D1}\u{30D5}\u{30A3}\u{30FC}de\u{30EB}\u{30F3}\u{30D0}", "de-jg4avhby1noc0d"),
    ("R sono speed de", "\u{305D}\u{306E}\u{30B9}\u{30D4}\u{30FC}\u{30C9}\u{3067}", "d9juau41awczczp"),
    ("S basic only", "-> $1.00 <-", "-> $1.00 <--"),
  ]

  @Test("RFC 3492 §7.1 samples encode and decode", arguments: rfc3492Samples)
  func rfc3492(sample: (name: String, unicode: String, punycode: String)) {
    #expect(Punycode.encode(sample.unicode) == sample.punycode, "\(sample.name)")
    let decoded = Punycode.decode(sample.punycode)
    #expect(decoded.map { Array($0.unicodeScalars) } == Array(sample.unicode.unicodeScalars), "\(sample.name)")
  }

  @Test("RFC 3492 sample I: upper-case digits decode, and encoding writes them in lower case")
  func rfc3492Russian() {
    let russian = "\u{043F}\u{043E}\u{0447}\u{0435}\u{043C}\u{0443}\u{0436}\u{0435}\u{043E}\u{043D}\u{0438}"
      + "\u{043D}\u{0435}\u{0433}\u{043E}\u{0432}\u{043E}\u{0440}\u{044F}\u{0442}\u{043F}\u{043E}\u{0440}"
      + "\u{0443}\u{0441}\u{0441}\u{043A}\u{0438}"
    #expect(Punycode.decode("b1abfaaepdrnnbgefbaDotcwatmq2g4l") == russian)
    #expect(Punycode.encode(russian) == "b1abfaaepdrnnbgefbadotcwatmq2g4l")
  }

  @Test(
    "Invalid Punycode is refused, not trapped on",
    arguments: [
      "99999999999999999999",  // overflows 2³¹−1
      "a-9",  // ends inside a number
      "ab-!", "a-b-\u{00E9}", "ma\u{00F1}ana-",  // not a digit, not ASCII
      "-",  // a delimiter at 0 starts no basic part, and is no digit
    ])
  func invalidPunycode(label: String) {
    #expect(Punycode.decode(label) == nil, "\(label)")
  }

  @Test("Punycode edge cases: empty, basic only", arguments: [("", ""), ("a-", "a"), ("tda-", "tda"), ("--", "-")])
  func punycodeEdges(encoded: String, decoded: String) {
    #expect(Punycode.decode(encoded) == decoded)
    #expect(Punycode.encode(decoded) == encoded)
  }

  @Test("Punycode refuses inputs over its length bound")
  func punycodeLengthBound() {
    #expect(Punycode.encode(String(repeating: "\u{00E9}", count: Punycode.maxLength)) != nil)
    #expect(Punycode.encode(String(repeating: "\u{00E9}", count: Punycode.maxLength + 1)) == nil)
    #expect(Punycode.decode(String(repeating: "a", count: Punycode.maxLength) + "-") != nil)
    #expect(Punycode.decode(String(repeating: "a", count: Punycode.maxLength + 1) + "-") == nil)
    #expect(Punycode.decode(String(repeating: "a", count: Punycode.maxLength) + "-a") == nil)
    #expect(Punycode.decode(String(repeating: "9", count: 100_000)) == nil)

    // The worst case for the encoder's loops: every code point distinct, from far apart.
    var distinct = String.UnicodeScalarView()
    for index in 0..<UInt32(Punycode.maxLength) {
      if let scalar = Unicode.Scalar(0x10000 + index * 1_000) { distinct.append(scalar) }
    }
    let text = String(distinct)
    let elapsed = ContinuousClock().measure {
      let encoded = Punycode.encode(text)
      #expect(encoded != nil)
      let decoded = encoded.flatMap(Punycode.decode)
      #expect(decoded?.unicodeScalars.elementsEqual(text.unicodeScalars) == true)
    }
    #expect(elapsed < .seconds(5))
  }

  // MARK: IDNA

  @Test("IDNA: repörter.example and its xn-- form convert both ways")
  func idnaReporter() {
    #expect(IDNA.toASCII("repörter.example") == "xn--reprter-c1a.example")
    #expect(IDNA.toUnicode("xn--reprter-c1a.example") == "repörter.example")
    #expect(IDNA.toUnicode(IDNA.toASCII("repörter.example") ?? "") == "repörter.example")
    #expect(IDNA.toASCII(IDNA.toUnicode("xn--reprter-c1a.example") ?? "") == "xn--reprter-c1a.example")
    // Upper case and a decomposed ö (o + U+0308) are the same name once mapped.
    #expect(IDNA.toASCII("REPÖRTER.Example") == "xn--reprter-c1a.example")
    #expect(IDNA.toASCII("repo\u{0308}rter.example") == "xn--reprter-c1a.example")
    #expect(IDNA.toUnicode("XN--REPRTER-C1A.EXAMPLE") == "repörter.example")
  }

  @Test("IDNA: bücher.example, ideographic full stops and fullwidth letters")
  func idnaBuecher() {
    #expect(IDNA.toASCII("bücher.example") == "xn--bcher-kva.example")
    #expect(IDNA.toUnicode("xn--bcher-kva.example") == "bücher.example")
    #expect(IDNA.toASCII("bücher\u{3002}example") == "xn--bcher-kva.example")
    #expect(IDNA.toASCII("ｂüｃｈｅｒ．ｅｘａｍｐｌｅ") == "xn--bcher-kva.example")
    #expect(IDNA.toASCII("例え.テスト") == "xn--r8jz45g.xn--zckzah")
    #expect(IDNA.toUnicode("xn--r8jz45g.xn--zckzah") == "例え.テスト")
  }

  @Test("IDNA: ASCII labels pass unchanged but for case")
  func idnaASCII() {
    #expect(IDNA.toASCII("reporter.example") == "reporter.example")
    #expect(IDNA.toASCII("Reporter.EXAMPLE") == "reporter.example")
    #expect(IDNA.toUnicode("mail-1.reporter.example") == "mail-1.reporter.example")
  }

  @Test("IDNA: over-long labels and names, and empty labels, are refused")
  func idnaLengths() {
    let label63 = String(repeating: "a", count: 63)
    #expect(IDNA.toASCII(label63 + ".example") == label63 + ".example")
    #expect(IDNA.toASCII(label63 + "a.example") == nil)
    // 59 punycode characters plus "xn--" is the most a Unicode label may take.
    #expect(IDNA.toASCII("ü" + String(repeating: "a", count: 55))?.utf8.count == 63)
    #expect(IDNA.toASCII("ü" + String(repeating: "a", count: 56)) == nil)
    let name253 = [String](repeating: label63, count: 3).joined(separator: ".") + "." + String(repeating: "b", count: 61)
    #expect(name253.utf8.count == 253)
    #expect(IDNA.toASCII(name253) == name253)
    #expect(IDNA.toASCII(name253 + "b") == nil)
    #expect(IDNA.toASCII("") == nil)
    #expect(IDNA.toASCII("reporter..example") == nil)
    #expect(IDNA.toASCII("reporter.example.") == nil)
    #expect(IDNA.toUnicode(String(repeating: "ä", count: 100_000)) == nil)
  }

  @Test(
    "IDNA: invalid labels have no form",
    arguments: [
      "xn--.example",  // empty Punycode
      "xn--abc-.example",  // decodes to ASCII
      "xn--99999999999999999999.example",  // overflows
      "xn--tda-.example",  // decodes to ASCII too
      "xn--bucher-xyd.example",  // decodes to a decomposed ü, not NFC
      "-bücher.example", "bücher-.example", "bü--cher.example",  // hyphen rules
      "\u{0308}bücher.example",  // starts with a mark
      "bü cher.example", "bü_cher.example", "bü\u{200B}cher.example", "bü\u{00AD}cher.example",
      "bü\u{FE0F}cher.example", "b\u{2113}ücher.example",  // space, symbol, invisible, ℓ
    ])
  func idnaInvalid(domain: String) {
    #expect(IDNA.toASCII(domain) == nil, "\(domain)")
    #expect(IDNA.toUnicode(domain) == nil, "\(domain)")
  }

  @Test("IDNA: the brief's xn-- spellings are other names than repörter")
  func idnaOtherNames() {
    #expect(IDNA.toUnicode("xn--reprter-90a.example") == "röeprter.example")
    #expect(IDNA.toUnicode("xn--rportr-bvae.example") == "réportér.example")
  }

  // MARK: Addresses

  @Test(
    "ASCII addresses give no findings",
    arguments: [
      "rita@reporter.example", "Rita.Smith+security@Reporter.Example", "r1ta_0@mail-1.reporter.example",
      "\"rita smith\"@reporter.example", "rita@[192.0.2.1]", "postmaster@xn--bcher-kva.example",
    ])
  func asciiAddresses(address: String) {
    let forms = AddressForms(address)
    if address.contains("xn--") {
      #expect(forms.findings == [.nonASCII])  // the domain is Unicode under its A-label
    } else {
      #expect(forms.findings.isEmpty, "\(forms.findings)")
      #expect(!forms.isSuspicious)
      #expect(forms.scripts.isSubset(of: ["Latin"]))
    }
  }

  @Test("An ASCII address keeps its local part as written and lower-cases the domain")
  func asciiForms() {
    let forms = AddressForms("Rita@Reporter.Example")
    #expect(forms.unicode == "Rita@reporter.example")
    #expect(forms.ascii == "Rita@reporter.example")
    #expect(forms.scripts == ["Latin"])
    #expect(AddressForms("Rita@Reporter.Example", known: ["rita@reporter.example"]).findings.isEmpty)
  }

  @Test("rіta with a Cyrillic і mixes scripts and looks like the known rita")
  func cyrillicI() {
    let address = "r\u{0456}ta@reporter.example"
    let alone = AddressForms(address)
    #expect(alone.findings == [.mixedScripts(part: "r\u{0456}ta", scripts: ["Cyrillic", "Latin"]), .nonASCII])
    #expect(alone.scripts == ["Cyrillic", "Latin"])
    #expect(alone.unicode == address)
    #expect(alone.ascii == nil)

    let compared = AddressForms(address, known: ["bob@reporter.example", "rita@reporter.example"])
    #expect(compared.findings == [
      .mixedScripts(part: "r\u{0456}ta", scripts: ["Cyrillic", "Latin"]), .nonASCII,
      .confusableWith("rita@reporter.example"),
    ])
    #expect(compared.isSuspicious)
  }

  @Test("раураӏ all in Cyrillic is one script, non-ASCII, and looks like paypal")
  func allCyrillic() {
    let address = "\u{0440}\u{0430}\u{0443}\u{0440}\u{0430}\u{04CF}@example.org"
    let forms = AddressForms(address, known: ["paypal@example.org"])
    #expect(forms.findings == [.nonASCII, .confusableWith("paypal@example.org")])
    #expect(forms.scripts == ["Cyrillic", "Latin"])  // the domain is Latin; the local part alone is Cyrillic
    #expect(AddressForms(address).findings == [.nonASCII])

    // With a Latin l at the end, as such spoofs are often typed, the local part mixes scripts.
    let withLatinL = AddressForms("\u{0440}\u{0430}\u{0443}\u{0440}\u{0430}l@example.org", known: ["paypal@example.org"])
    #expect(withLatinL.findings == [
      .mixedScripts(part: "\u{0440}\u{0430}\u{0443}\u{0440}\u{0430}l", scripts: ["Cyrillic", "Latin"]), .nonASCII,
      .confusableWith("paypal@example.org"),
    ])
  }

  @Test("Fullwidth ｒｉｔａ is Latin, non-ASCII, and looks like rita")
  func fullwidthLocalPart() {
    let forms = AddressForms("ｒｉｔａ@reporter.example", known: ["rita@reporter.example"])
    #expect(forms.findings == [.nonASCII, .confusableWith("rita@reporter.example")])
    #expect(forms.scripts == ["Latin"])
    #expect(forms.ascii == nil)  // a fullwidth local part is another mailbox, with no ASCII form
  }

  @Test("A fullwidth domain maps to the known ASCII domain: the same address, written oddly")
  func fullwidthDomain() {
    let forms = AddressForms("rita@ｒｅｐｏｒｔｅｒ.example", known: ["rita@reporter.example"])
    #expect(forms.ascii == "rita@reporter.example")
    #expect(forms.findings == [.nonASCII])
  }

  @Test(
    "Invisible characters are found, and do not hide a look-alike",
    arguments: ["\u{200B}", "\u{200D}", "\u{00AD}", "\u{202E}", "\u{2066}", "\u{FE0F}", "\u{FEFF}", "\u{E0041}"])
  func invisible(character: String) {
    let forms = AddressForms("ri" + character + "ta@reporter.example", known: ["rita@reporter.example"])
    #expect(forms.findings.contains(.invisibleCharacters))
    #expect(forms.findings.contains(.nonASCII))
    #expect(forms.findings.contains(.confusableWith("rita@reporter.example")))
    #expect(!forms.findings.contains { if case .mixedScripts = $0 { true } else { false } })
  }

  @Test("A zero-width space in the domain leaves no valid domain")
  func invisibleInDomain() {
    let forms = AddressForms("rita@repor\u{200B}ter.example", known: ["rita@reporter.example"])
    #expect(forms.findings == [.nonASCII, .confusableWith("rita@reporter.example"), .invisibleCharacters, .invalidDomain])
    #expect(forms.ascii == nil)
  }

  @Test("rita@xn--reprter-c1a.example and rita@repörter.example are one address in two forms")
  func punycodeTwin() {
    let forms = AddressForms("rita@xn--reprter-c1a.example", known: ["rita@repörter.example"])
    #expect(forms.unicode == "rita@repörter.example")
    #expect(forms.ascii == "rita@xn--reprter-c1a.example")
    #expect(forms.findings == [.nonASCII])
    #expect(forms.scripts == ["Latin"])

    let reverse = AddressForms("rita@repörter.example", known: ["RITA@XN--REPRTER-C1A.EXAMPLE"])
    #expect(reverse.findings == [.nonASCII])
    #expect(reverse.ascii == "rita@xn--reprter-c1a.example")
  }

  @Test("xn--rportr-bvae is réportér, another address that looks like repörter")
  func punycodeLookAlike() {
    let forms = AddressForms("rita@xn--rportr-bvae.example", known: ["rita@repörter.example"])
    #expect(forms.unicode == "rita@réportér.example")
    #expect(forms.findings == [.nonASCII, .confusableWith("rita@repörter.example")])
    // and the plain ASCII domain the accented one imitates
    let ascii = AddressForms("rita@repörter.example", known: ["rita@reporter.example"])
    #expect(ascii.findings == [.nonASCII, .confusableWith("rita@reporter.example")])
  }

  @Test("A Cyrillic letter inside one domain label mixes scripts in that label")
  func mixedDomainLabel() {
    let forms = AddressForms("rita@r\u{0435}porter.example", known: ["rita@reporter.example"])
    #expect(forms.findings == [
      .mixedScripts(part: "r\u{0435}porter", scripts: ["Cyrillic", "Latin"]), .nonASCII,
      .confusableWith("rita@reporter.example"),
    ])
    #expect(forms.ascii?.hasPrefix("rita@xn--") == true)
    // Scripts may differ between labels: a Cyrillic TLD after a Latin name is not a mixture.
    #expect(AddressForms("rita@reporter.\u{0440}\u{0444}").findings == [.nonASCII])
  }

  @Test("Greek letters among Latin ones are mixed scripts")
  func greek() {
    let forms = AddressForms("\u{03C1}aypal@example.org", known: ["paypal@example.org"])
    #expect(forms.findings == [
      .mixedScripts(part: "\u{03C1}aypal", scripts: ["Greek", "Latin"]), .nonASCII, .confusableWith("paypal@example.org"),
    ])
  }

  @Test(
    "Japanese, Chinese and Korean mixtures are not mixed scripts",
    arguments: ["山田たろう@example.jp", "ヤマダ太郎@example.jp", "taro山田@example.jp", "김철수金@example.kr", "用户@例子.广告"])
  func cjk(address: String) {
    let forms = AddressForms(address)
    #expect(forms.findings == [.nonASCII], "\(forms.findings)")
    #expect(forms.ascii == nil)
  }

  @Test("山田たろう is Han and Hiragana")
  func japaneseScripts() {
    #expect(AddressForms("山田たろう@example.jp").scripts == ["Han", "Hiragana", "Latin"])
    #expect(AddressForms("山田たろう@例え.テスト").scripts == ["Han", "Hiragana", "Katakana"])
  }

  @Test(
    "ASCII look-alikes of known addresses: rn for m, 1 for l, 0 for o",
    arguments: [
      ("rita@exarnple.org", "rita@example.org"), ("rnallory@example.org", "mallory@example.org"),
      ("paypa1@example.org", "paypal@example.org"), ("rita@rep0rter.example", "rita@reporter.example"),
      ("vvalter@example.org", "walter@example.org"),
    ])
  func asciiLookAlikes(address: String, known: String) {
    #expect(AddressForms(address, known: [known]).findings == [.confusableWith(known)])
    #expect(AddressForms(address).findings.isEmpty)
    #expect(AddressForms(known, known: [address]).findings == [.confusableWith(address)])
  }

  @Test("Each known address it looks like is reported once, in any spelling, and others not at all")
  func knownList() {
    let forms = AddressForms(
      "r\u{0456}ta@reporter.example",
      known: ["rita@reporter.example", "rita@reporter.example", "Rita@Reporter.Example", "bob@reporter.example"])
    let confusables = forms.findings.filter { if case .confusableWith = $0 { true } else { false } }
    #expect(confusables == [.confusableWith("rita@reporter.example")])
  }

  @Test("Addresses without a usable domain")
  func invalidAddresses() {
    #expect(AddressForms("rita").findings == [.invalidDomain])
    #expect(AddressForms("rita@").findings == [.invalidDomain])
    #expect(AddressForms("rita@reporter..example").findings == [.invalidDomain])
    #expect(AddressForms("rita@" + String(repeating: "a", count: 64) + ".example").ascii == nil)
    let quoted = AddressForms("\"rita@home\"@reporter.example")
    #expect(quoted.findings.isEmpty)
    #expect(quoted.ascii == "\"rita@home\"@reporter.example")
  }

  @Test("Descriptions escape what they quote, so no bidi control reaches the team's screen")
  func descriptions() {
    let finding = AddressFinding.mixedScripts(part: "r\u{0456}t\u{202E}a", scripts: ["Cyrillic", "Latin"])
    #expect(finding.description.contains("r\\u{456}t\\u{202E}a"))
    #expect(finding.description.contains("Cyrillic and Latin"))
    #expect(!finding.description.unicodeScalars.contains("\u{202E}"))
    for other in [AddressFinding.nonASCII, .confusableWith("rita@reporter.example"), .invisibleCharacters, .invalidDomain] {
      #expect(other.description.hasSuffix("."))
    }
  }

  // MARK: Skeletons

  @Test(
    "Skeletons fold look-alikes to the Latin letters they imitate",
    arguments: [
      ("\u{0440}\u{0430}\u{0443}\u{0440}\u{0430}\u{04CF}", "paypal"),  // Cyrillic
      ("\u{0420}\u{0410}\u{0423}\u{0420}\u{0410}L", "paypal"),  // Cyrillic capitals
      ("\u{03BF}\u{03C1}\u{03B1}\u{03BD}\u{03C4}\u{03C5}\u{03B9}\u{03BA}\u{03F2}", "opavtuikc"),  // Greek
      ("\u{0585}\u{057D}\u{0581}\u{0570}", "ough"),  // Armenian
      ("\u{13DF}\u{13AA}\u{13A2}", "cat"), ("\u{ABAF}\u{AB7A}\u{AB72}", "cat"),  // Cherokee, both cases
      ("ＲＩＴＡ", "rita"), ("𝐫𝐢𝐭𝐚", "rita"), ("ⓡⓘⓣⓐ", "rita"),  // fullwidth, bold, circled
      ("\u{0131}\u{0251}\u{2113}\u{0237}", "ialj"), ("ﬁle", "file"), ("ⅿⅰⅹ", "mix"),
      ("rn", "m"), ("m", "m"), ("vvave", "wave"), ("p4ypa1", "p4ypal"), ("g00gle", "google"),
      ("repörter", "reporter"), ("re\u{0301}porte\u{0300}r", "reporter"), ("\u{1F79}", "o"),  // diacritics
      ("\u{04E7}", "o"), ("ri\u{200B}ta\u{00AD}", "rita"), ("İ", "i"),
    ] as [(String, String)])
  func skeletons(text: String, expected: String) {
    #expect(Confusables.skeleton(text) == expected)
  }

  @Test("Text in other scripts keeps its letters")
  func skeletonKeepsOthers() {
    #expect(Confusables.skeleton("山田たろう") == "山田たろう")
    #expect(Confusables.skeleton("\u{0434}\u{0436}") == "\u{0434}\u{0436}")
  }

  // MARK: Hostile input

  @Test("Hostile addresses return quickly")
  func hostile() {
    let marks = "r" + String(repeating: "\u{0301}\u{0323}", count: 5_000) + "ita@reporter.example"
    let megabyte = String(repeating: "r\u{0456}ta", count: 200_000) + "@" + String(repeating: "a.", count: 250_000) + "example"
    let dots = "rita@" + String(repeating: ".", count: 1_000_000)
    let ats = String(repeating: "@", count: 1_000_000)
    let longLabel = "rita@" + String(repeating: "\u{00E9}", count: 1_000_000) + ".example"
    var distinct = String.UnicodeScalarView()
    for value in UInt32(0xA0)...0x2FFFF { if let scalar = Unicode.Scalar(value) { distinct.append(scalar) } }
    let everyScalar = String(distinct) + "@" + String(distinct)
    let distinctLabel = "rita@" + String(String(distinct).unicodeScalars.filter(\.properties.isAlphabetic).prefix(1_000)) + ".example"
    let clock = ContinuousClock()
    for address in [marks, megabyte, dots, ats, longLabel, everyScalar, distinctLabel] {
      let elapsed = clock.measure {
        let forms = AddressForms(address, known: ["rita@reporter.example", address])
        #expect(forms.isSuspicious)
        _ = forms.findings.map(\.description)
      }
      #expect(elapsed < .seconds(5), "\(address.utf8.count) bytes took \(elapsed)")
    }
    #expect(AddressForms(marks, known: ["rita@reporter.example"]).findings.contains(.confusableWith("rita@reporter.example")))
  }
}
