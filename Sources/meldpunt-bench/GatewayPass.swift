import Foundation
import MeldpuntTesting

/// The JSON `meldpunt process --once --json` prints.
struct PassSummary: Decodable, Sendable {
  struct Stage: Decodable, Sendable {
    let stage: String
    let milliseconds: Double
    let count: Int
  }

  let seen: Int
  let casesCreated: [String]
  let followUps: Int
  let quarantined: Int
  let acknowledgementsSent: Int
  let unfinished: [String]
  let stages: [Stage]
}

/// A gateway set up on a `TestEnvironment` as the benchmark wants it, and measured runs
/// of `meldpunt process --once --json` on it.
struct GatewayPass: Sendable {
  let setup: GatewaySetup
  let directory: String

  /// `mail.maxPerSenderPerDay` is lifted: a benchmark's few reporters send hundreds of
  /// reports, and the default (10) would hold their acknowledgements for an admin.
  init(environment: TestEnvironment, binary: String, directory: String) throws {
    setup = try GatewaySetup(
      environment: environment, binary: binary, sections: ["mail": ["maxPerSenderPerDay": 1_000_000]])
    self.directory = directory
  }

  struct Result: Sendable {
    let run: MeasuredRun
    let summary: PassSummary

    init(run: MeasuredRun, summary: PassSummary) {
      self.run = run
      self.summary = summary
    }

    /// Several runs as one: times, counts and stages summed, memory the largest.
    init(merging results: [Result]) {
      precondition(!results.isEmpty, "merging no runs")
      if results.count == 1 {
        self = results[0]
        return
      }
      var offset = 0.0
      var samples: [MeasuredRun.Sample] = []
      for result in results {
        samples += result.run.samples.map {
          MeasuredRun.Sample(milliseconds: $0.milliseconds + offset, highWaterKB: $0.highWaterKB, residentKB: $0.residentKB,
                             progress: $0.progress)
        }
        offset += result.run.seconds * 1000
      }
      let runs = results.map(\.run)
      run = MeasuredRun(
        status: runs.map(\.status).max()!, seconds: runs.reduce(0) { $0 + $1.seconds }, stdout: runs.last!.stdout,
        stderrFile: runs.last!.stderrFile, peakKB: runs.map(\.peakKB).max()!,
        maxRSSWithChildrenKB: runs.map(\.maxRSSWithChildrenKB).max()!, hostsPeakKB: runs.map(\.hostsPeakKB).max()!,
        cpuSeconds: (runs.reduce(0) { $0 + $1.cpuSeconds.user }, runs.reduce(0) { $0 + $1.cpuSeconds.system }),
        hostsCPUSeconds: runs.reduce(0) { $0 + $1.hostsCPUSeconds }, samples: samples)
      let summaries = results.map(\.summary)
      var stages: [PassSummary.Stage] = []
      for stage in summaries[0].stages {
        let same = summaries.flatMap(\.stages).filter { $0.stage == stage.stage }
        stages.append(PassSummary.Stage(stage: stage.stage, milliseconds: same.reduce(0) { $0 + $1.milliseconds },
                                        count: same.reduce(0) { $0 + $1.count }))
      }
      summary = PassSummary(
        seen: summaries.reduce(0) { $0 + $1.seen }, casesCreated: summaries.flatMap(\.casesCreated),
        followUps: summaries.reduce(0) { $0 + $1.followUps }, quarantined: summaries.reduce(0) { $0 + $1.quarantined },
        acknowledgementsSent: summaries.reduce(0) { $0 + $1.acknowledgementsSent },
        unfinished: summaries.flatMap(\.unfinished), stages: stages)
    }
  }

  /// One `process --once --json`, optionally under callgrind; throws if it did not
  /// print a summary. `progress` is sampled while it runs (mails filed so far).
  func run(
    label: String, timeout: Double, callgrindFile: String? = nil, perfFile: String? = nil, progress: (@Sendable () -> Int)? = nil
  ) throws -> Result {
    let arguments = ["process", "--once", "--json", "--config", setup.configPath]
    let run: MeasuredRun
    if let callgrindFile {
      run = try MeasuredRun.run(
        "valgrind", ["--tool=callgrind", "--callgrind-out-file=\(callgrindFile)", setup.binary] + arguments,
        directory: directory, label: label, timeout: timeout * 80, progress: progress)
    } else if let perfFile {
      // perf samples the whole process tree: meldpunt's own threads and the gpg children.
      run = try MeasuredRun.run(
        "perf", ["record", "-F", "1999", "-g", "--inherit", "-o", perfFile, "--", setup.binary] + arguments,
        directory: directory, label: label, timeout: timeout * 2, progress: progress)
    } else {
      run = try MeasuredRun.run(
        setup.binary, arguments, directory: directory, label: label, timeout: timeout, progress: progress)
    }
    let summary: PassSummary
    do {
      summary = try JSONDecoder().decode(PassSummary.self, from: Data(run.stdout))
    } catch {
      let log = (try? String(contentsOfFile: run.stderrFile, encoding: .utf8)) ?? ""
      throw BenchError("meldpunt \(label) exited with status \(run.status) without a JSON summary (\(error)); "
        + "its log ends with:\n\(log.suffix(1500))")
    }
    return Result(run: run, summary: summary)
  }
}
