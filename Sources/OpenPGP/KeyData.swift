import Crypto
import Foundation

/// Reads just enough of a transferable public key (RFC 9580 §10.1) to name it:
/// the v4 fingerprint of its primary key, without importing anything.
public enum KeyData {
  /// The fingerprint of the first (primary) public key packet of a binary key, v4 keys only.
  public static func primaryFingerprint(_ binary: [UInt8]) -> Fingerprint? {
    guard let first = binary.first, first & 0x80 != 0 else { return nil }
    var index = 1
    let tag: UInt8
    var length = 0
    if first & 0x40 != 0 {
      tag = first & 0x3F
      guard index < binary.count else { return nil }
      let o1 = Int(binary[index])
      if o1 < 192 { length = o1; index += 1 }
      else if o1 < 224 { guard index + 1 < binary.count else { return nil }; length = ((o1 - 192) << 8) + Int(binary[index + 1]) + 192; index += 2 }
      else if o1 == 255 {
        guard index + 4 < binary.count else { return nil }
        length = binary[(index + 1)...(index + 4)].reduce(0) { $0 << 8 | Int($1) }
        index += 5
      } else { return nil }
    } else {
      tag = (first >> 2) & 0x0F
      switch first & 0x03 {
      case 0: guard index < binary.count else { return nil }; length = Int(binary[index]); index += 1
      case 1: guard index + 1 < binary.count else { return nil }; length = Int(binary[index]) << 8 | Int(binary[index + 1]); index += 2
      case 2:
        guard index + 3 < binary.count else { return nil }
        length = binary[index...(index + 3)].reduce(0) { $0 << 8 | Int($1) }
        index += 4
      default: return nil
      }
    }
    guard tag == 6, length > 0, length < 65_536, index + length <= binary.count, binary[index] == 4 else { return nil }
    let body = binary[index..<(index + length)]
    var hashed: [UInt8] = [0x99, UInt8(length >> 8), UInt8(length & 0xFF)]
    hashed += body
    let digest = Insecure.SHA1.hash(data: hashed)
    return Fingerprint(digest.map { String(format: "%02X", $0) }.joined())
  }
}
