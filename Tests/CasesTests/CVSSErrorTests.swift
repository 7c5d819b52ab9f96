import Cases
import Foundation
import Testing

@Suite struct CVSSErrorTests {
  @Test(arguments: [
    ("", CVSSError.missingPrefix),
    ("AV:N/AC:L/Au:N/C:P/I:P/A:P", .missingPrefix),
    ("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .missingPrefix),
    ("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", .unknownVersion("2.0")),
    ("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unknownVersion("3.2")),
    ("CVSS:3.1", .missingMetrics(["AV", "AC", "PR", "UI", "S", "C", "I", "A"], version: .v3_1)),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", .missingMetrics(["A"], version: .v3_1)),
    ("CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
     .missingMetrics(["AT", "SA"], version: .v4_0)),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Z",
     .unknownValue(metric: "A", value: "Z", version: .v3_1)),
    ("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
     .unknownValue(metric: "AV", value: "X", version: .v3_1)),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
     .unknownValue(metric: "UI", value: "R", version: .v4_0)),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
     .unknownValue(metric: "SI", value: "S", version: .v4_0)),
    ("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", .unknownMetric("AT", version: .v3_1)),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
     .unknownValue(metric: "S", value: "U", version: .v4_0)),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H", .duplicateMetric("A")),
    ("CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .duplicateMetric("AV")),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", .malformedMetric("")),
    ("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .malformedMetric("")),
    ("CVSS:3.1/AV:N/AC/PR:N/UI:N/S:U/C:H/I:H/A:H", .malformedMetric("AC")),
    ("CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .malformedMetric("AV:N:L")),
  ])
  func rejects(_ vector: String, _ expected: CVSSError) {
    #expect(throws: expected) { try CVSS.score(vector) }
  }

  @Test func describesErrorsInASentenceThatSaysWhich() {
    #expect(CVSSError.missingMetrics(["A"], version: .v3_1).description
      == "The CVSS 3.1 vector lacks the mandatory base metric A; every base metric needs a value.")
    #expect(CVSSError.unknownValue(metric: "AV", value: "Q", version: .v4_0).description
      == "CVSS 4.0 metric AV has no value \"Q\"; check the specification's list for AV.")
    #expect(CVSSError.duplicateMetric("AV").description.contains("AV more than once"))
    #expect(CVSSError.unknownVersion("2.0").description.contains("\"2.0\" is not supported"))
    #expect(CVSSError.unknownMetric("XX", version: .v3_0).description.contains("no metric named \"XX\""))
  }

  @Test func keepsDescriptionsShortForHugeInput() {
    let huge = String(repeating: "Z", count: 100_000)
    let error = CVSSError.unknownValue(metric: "A", value: huge, version: .v3_1)
    #expect(error.description.count < 120)
  }

  @Test func codableRoundTripRescoresTheVector() throws {
    let score = try CVSS.score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
    let data = try JSONEncoder().encode(score)
    #expect(try JSONDecoder().decode(CVSSScore.self, from: data) == score)

    let tampered = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "9.3", with: "1.0").utf8)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(CVSSScore.self, from: tampered) }
  }

  /// Property-style: thousands of random and mutated strings never trap; whatever scores is in
  /// range, and its normalised vector scores the same again. Seeded, so a failure reproduces.
  @Test func randomInputNeverTraps() throws {
    var random = CVSSSeededRandom(seed: 0x4D45_4C44_5055_4E54)
    let valid = [
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C",
      "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L",
      "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:H/VI:L/VA:N/SC:H/SI:L/SA:N/E:U/CR:M/MSI:S/S:P/U:Clear",
    ]
    let alphabet = Array("CVS:/.0134ANLPHRUXEMSIVTDYZclearGnmbd \t\n\u{00A0}é😀()«»\u{301}\0")
    for round in 0..<4_000 {
      var text: [Character]
      switch round % 4 {
      case 0:  // arbitrary characters
        text = (0..<random.next(upTo: 80)).map { _ in alphabet[random.next(upTo: alphabet.count)] }
      case 1:  // a valid vector with characters changed, inserted or deleted
        text = Array(valid[random.next(upTo: valid.count)])
        for _ in 0..<(1 + random.next(upTo: 4)) {
          let at = random.next(upTo: text.count + 1)
          switch random.next(upTo: 3) {
          case 0: text.insert(alphabet[random.next(upTo: alphabet.count)], at: at)
          case 1: if at < text.count { text.remove(at: at) }
          default: if at < text.count { text[at] = alphabet[random.next(upTo: alphabet.count)] }
          }
        }
      case 2:  // a valid vector's metrics shuffled, some repeated or dropped
        let vector = valid[random.next(upTo: valid.count)]
        var parts = vector.split(separator: "/").map(String.init)
        let head = parts.removeFirst()
        var picked: [String] = []
        for _ in 0..<(parts.count + random.next(upTo: 3) - 1) { picked.append(parts[random.next(upTo: parts.count)]) }
        text = Array(([head] + picked).joined(separator: "/"))
      default:  // a report with vectors and noise glued together
        text = Array((0..<random.next(upTo: 6)).map { _ in
          random.next(upTo: 2) == 0 ? valid[random.next(upTo: valid.count)] : String(alphabet[random.next(upTo: alphabet.count)])
        }.joined())
      }
      let input = String(text)
      do {
        let score = try CVSS.score(input)
        #expect((0...10).contains(score.baseScore), "\(input)")
        #expect(try CVSS.score(score.vector) == score, "\(input)")
      } catch {
        #expect(!error.description.isEmpty)
      }
      for found in CVSS.find(in: input) {
        #expect(try CVSS.score(found.vector) == found, "\(input)")
      }
    }
  }
}

/// A small deterministic generator (SplitMix64), so the random test is the same on every run.
struct CVSSSeededRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform enough for tests in 0..<bound; 0 when bound is 0.
  mutating func next(upTo bound: Int) -> Int {
    bound <= 0 ? 0 : Int(next() % UInt64(bound))
  }
}
