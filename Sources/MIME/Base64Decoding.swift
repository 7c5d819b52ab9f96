/// Tolerant base64 decoding for the `base64` Content-Transfer-Encoding (RFC 2045 §6.8) and
/// RFC 2047 "B" encoded words.
///
/// RFC 2045 says decoders must ignore characters outside the alphabet (line breaks, but also
/// garbage a gateway added), so decoding never fails. `=` ends a quantum; data after it (two
/// base64 blocks pasted together) is still decoded. Foundation's decoder rejects such input,
/// which is why this one exists; the OpenPGP module uses it for ASCII armor too.
public enum Base64Decoding {
  /// The bytes encoded in `encoded`, skipping anything that is not base64.
  public static func decode(_ encoded: some Collection<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(encoded.count / 4 * 3 + 3)
    var accumulator: UInt32 = 0
    var pending = 0
    for byte in encoded {
      let value = table[Int(byte)]
      if value < 64 {
        accumulator = (accumulator << 6) | UInt32(value)
        pending += 1
        if pending == 4 {
          output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
          output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
          output.append(UInt8(truncatingIfNeeded: accumulator))
          accumulator = 0
          pending = 0
        }
      } else if value == padding {
        flush(&output, accumulator, pending)
        accumulator = 0
        pending = 0
      }
    }
    flush(&output, accumulator, pending)
    return output
  }

  /// Emits the whole bytes of a partial quantum: 2 symbols hold 1 byte, 3 hold 2; 1 holds none.
  private static func flush(_ output: inout [UInt8], _ accumulator: UInt32, _ pending: Int) {
    switch pending {
    case 2:
      output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
    case 3:
      output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
      output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
    default:
      break
    }
  }

  private static let padding: UInt8 = 65

  /// Symbol values for all 256 bytes: 0–63 for the alphabet, 65 for `=`, 64 to skip.
  private static let table: [UInt8] = {
    var table = [UInt8](repeating: 64, count: 256)
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
    table[Int(ASCII.equals)] = padding
    return table
  }()
}
