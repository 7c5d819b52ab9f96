import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A /proc file kept open and read again from its start at each sample.
///
/// The kernel writes the text anew at every read, so one open file serves the whole run.
/// Sampling every 5 ms by path through Foundation (open, read into Data, a String, split into
/// lines) took the bench about 0.6 ms of CPU per mail on the same two cores as the run it
/// measures (BENCHMARKS.md, sixth round); this takes a few microseconds a sample.
final class ProcFile {
  private let descriptor: Int32
  private var buffer = [UInt8](repeating: 0, count: 8192)

  init?(_ path: String) {
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
  }

  deinit { close(descriptor) }

  /// The file's text now, or nil once the process is gone.
  private func text() -> ArraySlice<UInt8>? {
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return nil }
    return buffer[0..<count]
  }

  /// From /proc/PID/status: `VmHWM` and `VmRSS` in KiB; nil once the process is a zombie
  /// (its memory is gone, and so are those lines) or gone.
  func memory() -> (highWater: Int, resident: Int)? {
    guard let text = text(), let highWater = Self.kilobytes(after: Array("VmHWM:".utf8), in: text),
          let resident = Self.kilobytes(after: Array("VmRSS:".utf8), in: text) else { return nil }
    return (highWater, resident)
  }

  /// From /proc/PID/stat: utime + stime in clock ticks (fields 14 and 15, counted after the
  /// command name, which may hold spaces and parentheses).
  func cpuTicks() -> Int? {
    guard let text = text() else { return nil }
    return Self.cpuTicks(inStat: text)
  }

  static func cpuTicks(inStat text: ArraySlice<UInt8>) -> Int? {
    guard let close = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
    let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
    guard fields.count > 12, let user = number(fields[11]), let system = number(fields[12]) else { return nil }
    return user + system
  }

  /// The number on the line that starts with `label` (`VmHWM:   52300 kB`).
  static func kilobytes(after label: [UInt8], in text: ArraySlice<UInt8>) -> Int? {
    var lineStart = text.startIndex
    while lineStart < text.endIndex {
      let lineEnd = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? text.endIndex
      let line = text[lineStart..<lineEnd]
      if line.starts(with: label) {
        return number(line.dropFirst(label.count).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
          .prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
      }
      lineStart = lineEnd + 1
    }
    return nil
  }

  /// A run of decimal digits (and nothing else), or nil.
  static func number(_ digits: some Collection<UInt8>) -> Int? {
    guard !digits.isEmpty else { return nil }
    var value = 0
    for digit in digits {
      guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(digit - UInt8(ascii: "0"))
    }
    return value
  }
}
