import Cases
import Testing

@Suite struct CVSSFindTests {
  @Test func findsVectorsInAnEnglishReport() {
    let report = """
      Subject: Heap overflow in the upload handler

      Hi team, I believe this is critical. Vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.
      If you prefer v4 (see https://www.first.org/cvss/calculator/4.0#CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N),
      it is the same issue. The related XSS is lower (CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N),
      and I first wrote "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q" by mistake, and CVSS: 9.8 in the title.
      Same as above, reordered: CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N
      """
    let found = CVSS.find(in: report)
    #expect(found.map(\.vector) == [
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    ])
    #expect(found.map(\.baseScore) == [9.8, 9.3, 6.1])
  }

  @Test func findsVectorsInADutchReport() {
    let report = """
      Beste Meldpunt,

      Ik heb een kwetsbaarheid gevonden in het inlogformulier. Mijn inschatting:
      CVSS-vector (v4.0): CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N; score 7,7.
      Volgens de oude methode is het CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H — hoog.
      Let op: CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P klopt niet, en CVSS:4.0/AV:N/AC:L ook niet.
      Nogmaals de eerste: CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N
      Met vriendelijke groet, Jan
      """
    let found = CVSS.find(in: report)
    #expect(found.map(\.vector) == [
      "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    ])
    #expect(found.map(\.severity) == [.high, .high])
  }

  @Test(arguments: [
    ("(CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N)", 7.5),
    ("score=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N&x=1", 7.5),
    ("`CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N`", 7.5),
    ("vector CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/\n", 7.5),
    ("end of line CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/U:Red.", 8.7),
    ("«CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N»", 8.7),
  ])
  func findsAVectorWhateverSurroundsIt(_ text: String, _ score: Double) {
    #expect(CVSS.find(in: text).map(\.baseScore) == [score])
  }

  @Test(arguments: [
    "",
    "no vectors here",
    "CVSS:",
    "CVSS:3.1",
    "CVSS:3.1/",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",
    "cvss:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Hx",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P",
  ])
  func ignoresTextWithoutAValidVector(_ text: String) {
    #expect(CVSS.find(in: text).isEmpty)
  }

  /// A run of prefixes is bounded work and finds the real vector at its end.
  @Test func survivesAPileOfPrefixes() {
    let text = String(repeating: "CVSS:", count: 20_000) + "3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    #expect(CVSS.find(in: text).map(\.baseScore) == [9.8])
  }
}
