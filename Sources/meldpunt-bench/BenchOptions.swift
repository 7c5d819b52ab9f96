import Foundation
import MeldpuntTesting

/// The command line of `meldpunt-bench`, parsed by hand: the target depends only on
/// `MeldpuntTesting`, so it has no ArgumentParser.
struct BenchOptions: Sendable {
  /// Reports in the throughput run; 0 skips it (and the ratio line).
  var mails = 500
  /// Size of the single attachment in the large-mail case (decimal MB); nil skips it.
  var largeAttachmentMB: Int?
  /// Mails in the `meldpunt run` latency test; nil skips it.
  var latency: Int?
  /// The `meldpunt` binary under test.
  var meldpunt = GatewaySetup.locateBinary()
  /// Seed of the report generator: the same seed gives the same texts, sizes and attachments.
  var seed: UInt64 = 20_260_101
  /// gpg processes that encrypt the corpus side by side.
  var encryptWorkers = 2
  /// Deliver and process the throughput mails this many at a time (one `process --once` each).
  var batch: Int?
  /// Run the throughput pass under `valgrind --tool=callgrind` and write the profile here.
  var callgrindFile: String?
  /// Run the throughput pass under `perf record -g` and write the samples here.
  var perfFile: String?

  static let usage = """
    USAGE: meldpunt-bench [--mails N] [--large-attachment-mb M] [--latency K] [--meldpunt PATH]
                          [--seed S] [--encrypt-workers W] [--batch B] [--callgrind FILE] [--perf FILE]

    Measures `meldpunt process --once` against the floor of gpg and curl on the same mails,
    on a throwaway Dovecot and SMTP sink on 127.0.0.1. The last line is `meldpunt/floor: R`.

      --mails N                reports in the throughput run (default 500; 0 skips it)
      --large-attachment-mb M  also measure one mail with an M MB attachment (peak RSS over idle)
      --latency K              also start `meldpunt run` (poll 1 s) and time K mails from delivery
                               to acknowledgement (p50, p99)
      --meldpunt PATH          the meldpunt binary (default: next to this binary)
      --seed S                 seed of the report generator (default 20260101)
      --encrypt-workers W      gpg processes encrypting the corpus in parallel (default 2)
      --batch B                deliver and process the mails B at a time, one `process --once` per batch
                               (default: all at once)
      --callgrind FILE         run the throughput pass under valgrind --tool=callgrind, profile to FILE
                               (the timings of that pass are then not representative)
      --perf FILE              run the throughput pass under `perf record -g` (valgrind 3.19 crashes
                               on the Swift 6.3 runtime), samples to FILE
    """

  /// What is wrong with the command line, and what to type instead.
  struct UsageError: Error, CustomStringConvertible {
    let description: String
  }

  static func parse(_ arguments: [String]) throws(UsageError) -> BenchOptions {
    var options = BenchOptions()
    var index = 0
    func value(_ name: String) throws(UsageError) -> String {
      index += 1
      guard index < arguments.count else { throw UsageError(description: "\(name) needs a value.\n\(usage)") }
      return arguments[index]
    }
    func count(_ name: String, minimum: Int) throws(UsageError) -> Int {
      let text = try value(name)
      guard let number = Int(text), number >= minimum else {
        throw UsageError(description: "\(name) takes a whole number of at least \(minimum), not \"\(text)\".")
      }
      return number
    }
    while index < arguments.count {
      switch arguments[index] {
      case "--mails": options.mails = try count("--mails", minimum: 0)
      case "--large-attachment-mb": options.largeAttachmentMB = try count("--large-attachment-mb", minimum: 1)
      case "--latency": options.latency = try count("--latency", minimum: 1)
      case "--meldpunt": options.meldpunt = try value("--meldpunt")
      case "--seed":
        let text = try value("--seed")
        guard let seed = UInt64(text) else { throw UsageError(description: "--seed takes a whole number, not \"\(text)\".") }
        options.seed = seed
      case "--encrypt-workers": options.encryptWorkers = try count("--encrypt-workers", minimum: 1)
      case "--batch": options.batch = try count("--batch", minimum: 1)
      case "--callgrind": options.callgrindFile = try value("--callgrind")
      case "--perf": options.perfFile = try value("--perf")
      case "--help", "-h": throw UsageError(description: usage)
      default: throw UsageError(description: "Unknown option \(arguments[index]).\n\(usage)")
      }
      index += 1
    }
    try options.validate()
    return options
  }

  func validate() throws(UsageError) {
    guard FileManager.default.isExecutableFile(atPath: meldpunt) else {
      throw UsageError(description: "No meldpunt binary at \(meldpunt). Build it with "
        + "`swift build -c release --product meldpunt` and pass its path with --meldpunt.")
    }
    if mails == 0 && largeAttachmentMB == nil && latency == nil {
      throw UsageError(description: "--mails 0 with neither --large-attachment-mb nor --latency measures nothing.")
    }
    if let mb = largeAttachmentMB, mb > 35 {
      // Base64 and armor make the mail about 1.85 times the attachment; the default
      // `limits.maxMessageBytes` (50 MiB) would quarantine it unread.
      throw UsageError(description: "--large-attachment-mb \(mb) makes a mail over the gateway's 50 MiB limit; use 35 or less.")
    }
    if callgrindFile != nil && mails == 0 {
      throw UsageError(description: "--callgrind profiles the throughput run; give --mails (about 50 is enough).")
    }
  }
}
