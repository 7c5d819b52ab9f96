import Foundation
import MeldpuntTesting

/// `meldpunt run` polling every second: the time from a mail landing in the inbox to its
/// acknowledgement arriving at the SMTP sink, one mail at a time.
///
/// Mails arrive at a seeded random moment within a poll interval after the previous
/// acknowledgement, as real mail does; delivering right after each acknowledgement
/// would lock the arrivals to the service's sleep and bias every sample the same way.
enum LatencyBenchmark {
  static func run(_ options: BenchOptions, mails count: Int) throws {
    Output.progress("latency: starting Dovecot, the SMTP sink and gpg homes")
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let directory = try TemporaryDirectory.make(prefix: "mp-b-")
    defer { TemporaryDirectory.remove(directory) }
    let reporters = try Reporters.make(rsa: 2, ed25519: 2, environment: environment, workers: options.encryptWorkers)
    defer { for reporter in reporters { reporter.home.killAgent() } }
    let pass = try GatewayPass(environment: environment, binary: options.meldpunt, directory: directory)

    Output.progress("latency: signing and encrypting \(count + 1) reports")
    // Mail 0 warms the service up (first poll, database, gpg-agent) and is not counted.
    let corpus = try Corpus.generate(
      count: count + 1, seed: options.seed &+ 1, reporters: reporters, gatewayFingerprint: environment.gatewayFingerprint,
      workers: options.encryptWorkers, in: directory)
    let mails = try corpus.mails.map { try FileIO.read($0.mailFile) }

    let sink = "\(environment.smtp.directory)/mail"
    func acknowledged() -> Int { FileIO.entries(sink).filter { $0.hasSuffix(".json") }.count }
    func waitForAcknowledgement(_ number: Int) throws {
      let start = Clock.now
      while acknowledged() < number {
        guard Clock.seconds(since: start) < 60 else {
          throw BenchError("acknowledgement \(number) did not reach the SMTP sink within 60 s; see \(pass.setup.environment.directory)/meldpunt-run.log")
        }
        Clock.pause(milliseconds: 2)
      }
    }

    let service = try pass.setup.startService()
    defer { _ = service.stop() }
    try environment.dovecot.append(mails[0])
    try waitForAcknowledgement(1)

    Output.progress("latency: \(count) mails, one at a time")
    var random = SeededRandom(seed: options.seed ^ 0x1A7E_1C7)
    var latencies: [Double] = []
    for index in 1...count {
      Clock.pause(milliseconds: Double(random.next() % 1000))
      // IMAP APPEND (the harness's curl), as a mail server's delivery would: Dovecot
      // indexes the mail at once, so the gateway's next poll sees it.
      // From the start of the APPEND: the gateway may acknowledge before the append tool exits.
      let start = Clock.now
      try environment.dovecot.append(mails[index])
      try waitForAcknowledgement(index + 1)
      latencies.append(Clock.milliseconds(since: start))
    }
    let status = service.stop()
    let sorted = latencies.sorted()
    Output.result("== Latency of `meldpunt run` (gateway.pollSeconds 1), \(count) mails one at a time")
    Output.result("delivery to acknowledgement at the sink, ms: p50 \(Output.fixed(Output.percentile(sorted, 50), 0)), "
      + "p90 \(Output.fixed(Output.percentile(sorted, 90), 0)), p99 \(Output.fixed(Output.percentile(sorted, 99), 0)), "
      + "min \(Output.fixed(sorted.first!, 0)), max \(Output.fixed(sorted.last!, 0)), "
      + "mean \(Output.fixed(latencies.reduce(0, +) / Double(count), 0)) "
      + "(service exit status after SIGTERM: \(status.map(String.init) ?? "killed"))")
  }
}
