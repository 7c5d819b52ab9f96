/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output depends only on
/// its seed, so the same `--seed` gives byte-for-byte the same report texts and
/// attachments on every machine. `SystemRandomNumberGenerator` would not.
struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  /// A generator for item `index` of a stream, independent of how many numbers
  /// the other items drew, so reports can be generated in any order or in parallel.
  init(seed: UInt64, index: Int) {
    var mixer = SeededRandom(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
    state = mixer.next()
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// `count` bytes of noise, for attachments that do not compress (like a real archive).
  mutating func bytes(_ count: Int) -> [UInt8] {
    var result = [UInt8]()
    result.reserveCapacity(count + 8)
    while result.count < count {
      withUnsafeBytes(of: next().littleEndian) { result.append(contentsOf: $0) }
    }
    result.removeLast(result.count - count)
    return result
  }
}
