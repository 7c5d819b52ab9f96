import Foundation
import MeldpuntTesting

/// One report with a large attachment inside the encryption: how much memory the gateway
/// needs on top of its idle footprint (an empty-inbox pass with the same configuration).
enum LargeMailBenchmark {
  static func run(_ options: BenchOptions, megabytes: Int) throws {
    Output.progress("large mail: starting Dovecot, the SMTP sink and gpg homes")
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let directory = try TemporaryDirectory.make(prefix: "mp-b-")
    defer { TemporaryDirectory.remove(directory) }
    let reporters = try Reporters.make(rsa: 0, ed25519: 1, environment: environment, workers: 1)
    defer { for reporter in reporters { reporter.home.killAgent() } }
    let pass = try GatewayPass(environment: environment, binary: options.meldpunt, directory: directory)
    let delivery = try MaildirDelivery(dovecot: environment.dovecot)

    Output.progress("large mail: idle run on the empty inbox")
    let idle = try pass.run(label: "large-idle", timeout: 120)

    Output.progress("large mail: signing and encrypting one report with a \(megabytes) MB attachment")
    let corpus = try Corpus.generate(
      count: 1, seed: options.seed, reporters: reporters, gatewayFingerprint: environment.gatewayFingerprint,
      workers: 1, attachmentBytes: megabytes * 1_000_000, attachmentEvery: 1, textBytes: 4_000...4_000, in: directory)
    try delivery.deliver(FileIO.read(corpus.mails[0].mailFile), index: 0)
    guard try delivery.messageCount() == 1 else { throw BenchError("Dovecot does not list the large mail in INBOX") }

    Output.progress("large mail: meldpunt process --once")
    let gateway = try pass.run(label: "large-process", timeout: 600)
    let summary = gateway.summary
    let mail = corpus.mails[0]
    Output.result("== One report with a \(megabytes) MB attachment")
    Output.result("mail: \(Output.megabytes(mail.bytes)) on the wire, \(Output.megabytes(mail.plaintextBytes)) decrypted MIME entity")
    Output.result("meldpunt: \(Output.fixed(gateway.run.seconds, 2)) s wall (exit \(gateway.run.status); cases \(summary.casesCreated.count), "
      + "acknowledgements \(summary.acknowledgementsSent), quarantined \(summary.quarantined), unfinished \(summary.unfinished.count)); stages ms: "
      + summary.stages.filter { $0.count > 0 }.map { "\($0.stage) \(Output.fixed($0.milliseconds))" }.joined(separator: ", "))
    let above = gateway.run.peakKB + gateway.run.hostsPeakKB - idle.run.peakKB - idle.run.hostsPeakKB
    Output.result("memory: peak RSS \(Output.mib(gateway.run.peakKB)) + GPGME hosts \(Output.mib(gateway.run.hostsPeakKB)), "
      + "idle \(Output.mib(idle.run.peakKB + idle.run.hostsPeakKB)), "
      + "peak - idle \(Output.mib(above)) = "
      + "\(Output.fixed(Double(above) * 1024 / Double(mail.bytes), 2)) x the mail; "
      + "ru_maxrss incl. gpg children \(Output.mib(gateway.run.maxRSSWithChildrenKB))")
    if summary.casesCreated.count != 1 {
      let listing = try? pass.setup.run(["quarantine", "list"])
      Output.result("WARNING: the large mail did not become a case. " + summary.unfinished.joined(separator: "; ")
        + "meldpunt quarantine list:\n" + (listing.map { $0.stdoutText + $0.stderr } ?? "(could not run it)"))
    }
  }
}
