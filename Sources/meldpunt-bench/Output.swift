import Foundation

/// Results go to stdout (the last line is the ratio); progress goes to stderr.
enum Output {
  /// Unbuffered, so a long run shows each result as it comes.
  static func result(_ line: String) { FileHandle.standardOutput.write(Data("\(line)\n".utf8)) }

  static func progress(_ line: String) {
    FileHandle.standardError.write(Data("meldpunt-bench: \(line)\n".utf8))
  }

  static func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

  /// KiB as MiB with one decimal.
  static func mib(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }

  static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

  /// The nearest-rank percentile of sorted values.
  static func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
  }
}
