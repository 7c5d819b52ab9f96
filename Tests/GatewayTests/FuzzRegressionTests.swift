import Foundation
import Testing
@testable import Gateway

/// Inputs found while fuzzing and hardening (`scripts/fuzz.sh armor`, the hostile corpus),
/// kept so the fixes stay fixed.
@Suite("Fuzz regressions: armor")
struct ArmorFuzzRegressionTests {
  /// BEGIN lines without any END made `Armor.blocks` search to the end of the text once per
  /// BEGIN: 224 KB took 2.7 s (optimised build), 1.6 MB far longer, and a 5 MB mail stalled the gateway. Now the search for a
  /// label's END is done once.
  @Test("A flood of BEGIN lines without END is read in linear time")
  func beginFlood() {
    var text: [UInt8] = []
    let lines = [Array("-----BEGIN PGP MESSAGE-----\n".utf8), Array("-----BEGIN PGP SIGNED MESSAGE-----\r\n".utf8)]
    for n in 0..<50_000 { text += lines[n % 2] }
    let start = ContinuousClock.now
    #expect(Armor.blocks(in: text).isEmpty)
    #expect(ContinuousClock.now - start < .seconds(5))
  }

  @Test("Unterminated blocks of one kind do not hide a later complete block of another")
  func unterminatedThenComplete() {
    let text = Array("-----BEGIN PGP MESSAGE-----\nabc\n-----BEGIN PGP MESSAGE-----\n-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----\n".utf8)
    let blocks = Armor.blocks(in: text)
    #expect(blocks.map(\.kind) == [.signature])
  }

  @Test("A block whose END comes after an unterminated BEGIN of the same label is found from the first BEGIN")
  func nestedBegin() {
    let text = Array("-----BEGIN PGP MESSAGE-----\n-----BEGIN PGP MESSAGE-----\nhQ==\n-----END PGP MESSAGE-----\n".utf8)
    let blocks = Armor.blocks(in: text)
    #expect(blocks.count == 1)
    #expect(blocks.first?.range == 0..<text.count)
  }
}
