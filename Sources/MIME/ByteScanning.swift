#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast searches over a message buffer.
///
/// Line searches use `memchr` and delimiter searches a 16-byte SIMD loop, which scan at memory
/// bandwidth; a byte-by-byte Swift loop over 50 MB would dominate the parse time.
/// Every function clamps its range, so out-of-range indices give `nil`, never a trap.
extension UnsafeBufferPointer<UInt8> {
  /// The index of the first `byte` in `lower..<upper`.
  func firstIndex(of byte: UInt8, from lower: Int, to upper: Int) -> Int? {
    let lower = Swift.max(lower, 0), upper = Swift.min(upper, count)
    guard lower < upper, let base = baseAddress else { return nil }
    guard let found = memchr(base + lower, Int32(byte), upper - lower) else { return nil }
    return lower + (UnsafeRawPointer(found) - UnsafeRawPointer(base + lower))
  }

  /// The first line start `p` with `lower < p` whose line begins with `--` (a possible MIME
  /// delimiter line), scanning 16 bytes per step. Bodies are scanned once per nesting level,
  /// so a per-line call (as with `memchr`) would let a body of 50 million empty lines inside 32
  /// nested multiparts cost seconds; this loop costs the same for any line length.
  /// Only lines for which `accept` returns true count, so that every hit in a 16-byte block is
  /// tested without reloading the block.
  func firstDashDashLine(from lower: Int, to upper: Int, where accept: (Int) -> Bool) -> Int? {
    let upper = Swift.min(upper, count)
    var index = Swift.max(lower, 0)  // the candidate line break's position
    guard index < upper, let base = baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    let lineFeeds = SIMD16<UInt8>(repeating: ASCII.lf), hyphens = SIMD16<UInt8>(repeating: ASCII.hyphen)
    while upper - index >= 18 {
      let first = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
      let second = raw.loadUnaligned(fromByteOffset: index + 1, as: SIMD16<UInt8>.self)
      let third = raw.loadUnaligned(fromByteOffset: index + 2, as: SIMD16<UInt8>.self)
      let hits = (first .== lineFeeds) .& (second .== hyphens) .& (third .== hyphens)
      if any(hits) {
        for lane in 0..<16 where hits[lane] && accept(index + lane + 1) { return index + lane + 1 }
      }
      index += 16
    }
    while upper - index >= 3 {
      if base[index] == ASCII.lf, base[index + 1] == ASCII.hyphen, base[index + 2] == ASCII.hyphen,
        accept(index + 1)
      {
        return index + 1
      }
      index += 1
    }
    return nil
  }

  /// Where the line break that ends just before `index` starts: `index - 2` for CRLF,
  /// `index - 1` for LF, `index` if no line break precedes it. Never below `lower`.
  func lineBreakStart(before index: Int, notBelow lower: Int) -> Int {
    guard index > lower, index <= count, self[index - 1] == ASCII.lf else { return index }
    if index - 2 >= lower, self[index - 2] == ASCII.cr { return index - 2 }
    return index - 1
  }

  /// The end of the line starting at or containing `index`, without its line break, and the index
  /// after the line break (`upper` when the line runs to the end of the range).
  func line(from index: Int, to upper: Int) -> (contentEnd: Int, next: Int) {
    guard let lf = firstIndex(of: ASCII.lf, from: index, to: upper) else { return (upper, upper) }
    let contentEnd = lf > index && self[lf - 1] == ASCII.cr ? lf - 1 : lf
    return (contentEnd, lf + 1)
  }
}
