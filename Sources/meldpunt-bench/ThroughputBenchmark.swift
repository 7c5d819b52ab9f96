import Foundation
import MeldpuntTesting

/// N reports through `meldpunt process --once`, against the floor of gpg and curl on
/// the same mails in the same run.
enum ThroughputBenchmark {
  /// Runs the whole measurement and prints it; returns meldpunt/floor.
  static func run(_ options: BenchOptions) throws -> Double {
    let count = options.mails
    Output.progress("throughput: starting Dovecot, the SMTP sink and gpg homes")
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let directory = try TemporaryDirectory.make(prefix: "mp-b-")
    defer { TemporaryDirectory.remove(directory) }

    Output.progress("throughput: generating 4 RSA-3072 and 4 Ed25519 reporter keys")
    let reporters = try Reporters.make(rsa: 4, ed25519: 4, environment: environment, workers: options.encryptWorkers)
    defer { for reporter in reporters { reporter.home.killAgent() } }
    let pass = try GatewayPass(environment: environment, binary: options.meldpunt, directory: directory)
    let delivery = try MaildirDelivery(dovecot: environment.dovecot)

    Output.progress("throughput: idle run on the empty inbox")
    let idle = try pass.run(label: "idle", timeout: 120)

    Output.progress("throughput: signing and encrypting \(count) reports with \(options.encryptWorkers) gpg processes")
    let corpus = try Corpus.generate(
      count: count, seed: options.seed, reporters: reporters, gatewayFingerprint: environment.gatewayFingerprint,
      workers: options.encryptWorkers, in: directory)
    for reporter in reporters { reporter.home.killAgent() }

    Output.progress("throughput: floor: gpg --decrypt and gpg --detach-sign per mail")
    let gpg = try Floor.measureGPG(corpus: corpus, environment: environment, reporters: reporters, directory: directory)

    // With --batch the mails go in and through the gateway B at a time; each batch's
    // curl floor is measured on the same inbox the gateway then reads.
    let batch = options.batch ?? count
    var deliverySeconds = 0.0
    var fetchSeconds = 0.0
    var fetchedBytes = 0
    var passes: [GatewayPass.Result] = []
    var machine = CPUShare()
    for first in stride(from: 0, to: count, by: batch) {
      let range = first..<min(first + batch, count)
      let deliveryStart = Clock.now
      for index in range { try delivery.deliver(FileIO.read(corpus.mails[index].mailFile), index: index) }
      let inInbox = try delivery.messageCount()
      deliverySeconds += Clock.seconds(since: deliveryStart)
      guard inInbox == range.count else {
        throw BenchError("Dovecot lists \(inInbox) mails in INBOX after delivering \(range.count)")
      }
      Output.progress("throughput: floor: curl fetch of mails \(range.lowerBound + 1)...\(range.upperBound)")
      let fetch = try Floor.measureFetch(dovecot: environment.dovecot, expected: range.count, directory: directory)
      fetchSeconds += fetch.seconds
      fetchedBytes += fetch.bytes
      Output.progress("throughput: meldpunt process --once on mails \(range.lowerBound + 1)...\(range.upperBound)"
        + (options.callgrindFile == nil ? "" : " under callgrind (slow)"))
      let start = CPUShare.Reading(sink: environment.smtp.processIdentifier)
      let result = try pass.run(
        label: "process-\(first)", timeout: 300 + Double(range.count) * 3, callgrindFile: options.callgrindFile,
        perfFile: options.perfFile, progress: { delivery.filesOnDisk("Processed") })
      machine.add(from: start, to: CPUShare.Reading(sink: environment.smtp.processIdentifier))
      if let problem = result.summary.unfinished.first {
        throw BenchError("meldpunt process --once left \(result.summary.unfinished.count) problem(s) with \(range.count) mails "
          + "in the inbox (exit \(result.run.status)), the first: \(problem)")
      }
      passes.append(result)
    }
    let gateway = GatewayPass.Result(merging: passes)
    // The machine is shared and its speed drifts over minutes: the floor is measured again
    // after the gateway, on the same mails (now in Processed), and the mean of both is used.
    Output.progress("throughput: floor again: gpg, and curl fetch of the mails in Processed")
    let gpgAfter = try Floor.measureGPG(corpus: corpus, environment: environment, reporters: reporters, directory: directory)
    let fetchAfter = try Floor.measureFetch(dovecot: environment.dovecot, mailbox: "Processed", expected: count, directory: directory)
    if gateway.summary.quarantined > 0, let listing = try? pass.setup.run(["quarantine", "list"]) {
      Output.result("quarantined mails (meldpunt quarantine list):\n" + listing.stdoutText + listing.stderr)
    }
    let before = Floor(mails: count, decryptSeconds: gpg.decrypt, signSeconds: gpg.sign, fetchSeconds: fetchSeconds,
                       fetchedBytes: fetchedBytes, decryptProblems: gpg.problems)
    let after = Floor(mails: count, decryptSeconds: gpgAfter.decrypt, signSeconds: gpgAfter.sign, fetchSeconds: fetchAfter.seconds,
                      fetchedBytes: fetchAfter.bytes, decryptProblems: gpgAfter.problems)
    let floor = Floor.mean(before, after)
    let sent = FileIO.entries("\(environment.smtp.directory)/mail").filter { $0.hasSuffix(".json") }.count
    let filed = delivery.filesOnDisk("Processed")

    report(options: options, corpus: corpus, reporters: reporters, deliverySeconds: deliverySeconds,
           idle: idle, gateway: gateway, sent: sent, filed: filed, floors: [("floor before", before), ("floor after", after), ("floor, mean of both", floor)])
    Output.result(machine.line(gateway: gateway.run, mails: count))
    let summary = gateway.summary
    guard summary.casesCreated.count == count, summary.acknowledgementsSent == count, summary.unfinished.isEmpty,
      sent == count, filed == count
    else {
      throw BenchError("the gateway did not turn every mail into an acknowledged, filed case, so there is no ratio: "
        + (summary.unfinished.first ?? "see \(directory)"))
    }
    let wall = gateway.run.seconds
    return (wall / Double(count)) / (floor.totalSeconds / Double(count))
  }

  private static func report(
    options: BenchOptions, corpus: Corpus, reporters: [Reporter], deliverySeconds: Double, idle: GatewayPass.Result,
    gateway: GatewayPass.Result, sent: Int, filed: Int, floors: [(String, Floor)]
  ) {
    let count = corpus.mails.count
    let n = Double(count)
    let summary = gateway.summary
    let run = gateway.run
    let sizes = corpus.mails.map(\.bytes).sorted()
    Output.result("== Throughput: \(count) reports")
    Output.result("corpus: \(count) mails, \(Output.megabytes(corpus.totalBytes)) (median \(sizes[sizes.count / 2] / 1000) KB, "
      + "largest \(sizes.last! / 1000) KB), \(corpus.withAttachment) with a 200 KB attachment, "
      + "\(reporters.filter { $0.algorithm == .rsa3072 }.count) RSA-3072 + \(reporters.filter { $0.algorithm == .ed25519 }.count) Ed25519 "
      + "reporters, seed \(options.seed); generated in \(Output.fixed(corpus.seconds)) s, delivered to the Maildir in \(Output.fixed(deliverySeconds, 2)) s")
    if let batch = options.batch, batch < count {
      Output.result("NOTE: processed in \((count + batch - 1) / batch) batches of at most \(batch) (--batch): "
        + "wall time and stages are summed over the runs, memory is the largest run's")
    }
    if options.callgrindFile != nil || options.perfFile != nil {
      Output.result("NOTE: this pass ran under a profiler; its times and memory are not representative")
    }
    Output.result("meldpunt: \(Output.fixed(run.seconds, 2)) s wall, \(Output.fixed(n / run.seconds, 2)) msgs/s, "
      + "\(Output.fixed(run.seconds * 1000 / n)) ms/mail (exit \(run.status); cases \(summary.casesCreated.count), "
      + "acknowledgements \(summary.acknowledgementsSent), quarantined \(summary.quarantined), "
      + "unfinished \(summary.unfinished.count); at the sink \(sent), in Processed \(filed))")
    for line in stageLines(summary.stages, wallMilliseconds: run.seconds * 1000, mails: n) { Output.result(line) }
    Output.result("memory: peak RSS \(Output.mib(run.peakKB)) (VmHWM) + GPGME hosts \(Output.mib(run.hostsPeakKB)), "
      + "idle run \(Output.mib(idle.run.peakKB + idle.run.hostsPeakKB)), "
      + "peak - idle \(Output.mib(run.peakKB + run.hostsPeakKB - idle.run.peakKB - idle.run.hostsPeakKB)); "
      + "ru_maxrss incl. gpg children \(Output.mib(run.maxRSSWithChildrenKB))")
    Output.result("memory by mails filed: " + memoryCurve(run.samples, count: count))
    Output.result("CPU: meldpunt \(Output.fixed((run.cpuSeconds.user + run.cpuSeconds.system) * 1000 / n, 2)) ms/mail "
      + "(user \(Output.fixed(run.cpuSeconds.user * 1000 / n, 2)), system \(Output.fixed(run.cpuSeconds.system * 1000 / n, 2))), "
      + "GPGME hosts \(Output.fixed(run.hostsCPUSeconds * 1000 / n, 2)) ms/mail; without gpg, gpg-agent, Dovecot and the SMTP sink")
    for (label, floor) in floors {
      Output.result("\(label): gpg --decrypt \(Output.fixed(floor.decryptSeconds * 1000 / n, 2)) ms/mail, "
        + "gpg --detach-sign \(Output.fixed(floor.signSeconds * 1000 / n, 2)) ms/mail, "
        + "curl fetch \(Output.fixed(floor.fetchSeconds * 1000 / n, 2)) ms/mail (\(Output.megabytes(floor.fetchedBytes))) "
        + "= \(Output.fixed(floor.perMailMilliseconds, 2)) ms/mail, \(Output.fixed(floor.totalSeconds, 2)) s in all"
        + (floor.decryptProblems > 0 ? "; gpg did not decrypt or verify \(floor.decryptProblems) mails" : ""))
    }
  }

  /// VmHWM when 10 %, 25 %, 50 %, 75 % and all of the mails had been filed.
  static func memoryCurve(_ samples: [MeasuredRun.Sample], count: Int) -> String {
    let marks = Array(Set([count / 10, count / 4, count / 2, count * 3 / 4, count].filter { $0 > 0 })).sorted()
    return marks.map { mark -> String in
      let sample = samples.first { $0.progress >= mark } ?? samples.last
      return "\(mark): \(sample.map { Output.mib($0.highWaterKB) } ?? "?")"
    }.joined(separator: ", ")
  }

  /// The gateway's stage times per mail, as printed and, when they overlap, untangled.
  ///
  /// When the stages add up to more than the wall time, some are nested: `fetch` and
  /// `store` are timed with a `defer` that fires at the end of `process(_:)`, so each
  /// includes everything after it. Then fetch alone is fetch - store, and store alone is
  /// store - (the later stages), which still holds the steps no stage times.
  static func stageLines(_ stages: [PassSummary.Stage], wallMilliseconds wall: Double, mails n: Double) -> [String] {
    let ms = Dictionary(stages.map { ($0.stage, $0.milliseconds) }, uniquingKeysWith: +)
    let sum = stages.reduce(0) { $0 + $1.milliseconds }
    var lines = ["stages as reported, ms/mail: "
      + stages.map { "\($0.stage) \(Output.fixed($0.milliseconds / n, 2))" }.joined(separator: ", ")
      + "; sum \(Output.fixed(sum / n, 2)) vs wall \(Output.fixed(wall / n, 2))"]
    let later = ["decryptVerify", "case", "sign", "send", "move"].reduce(0) { $0 + (ms[$1] ?? 0) }
    if sum > wall * 1.05, let fetch = ms["fetch"], let store = ms["store"], fetch >= store, store >= later {
      lines.append("stages untangled, ms/mail: fetch \(Output.fixed((fetch - store) / n, 2)), "
        + "store+untimed \(Output.fixed((store - later) / n, 2)), "
        + ["decryptVerify", "case", "sign", "send", "move"].map { "\($0) \(Output.fixed((ms[$0] ?? 0) / n, 2))" }.joined(separator: ", ")
        + ", outside process(_:) \(Output.fixed((wall - fetch) / n, 2))")
      lines.append("NOTE: the reported stages overlap (fetch and store are timed to the end of process(_:) by a defer); "
        + "the untangled line subtracts the nested stages")
    } else {
      lines.append("outside the stages: \(Output.fixed((wall - sum) / n, 2)) ms/mail")
    }
    return lines
  }
}
