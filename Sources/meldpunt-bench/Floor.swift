import Foundation
import MeldpuntTesting

/// The least a gateway built on gpg and libcurl could spend on the same mails: the
/// three external costs Meldpunt cannot avoid, each measured with the plain tools.
///
/// - decrypt: `gpg --decrypt` (which also verifies the signature inside) of each
///   mail's OpenPGP message, one gpg process per mail as GPGME runs it, in a home
///   holding a copy of the gateway's secret key and the reporters' public keys;
/// - sign: `gpg --detach-sign` of a 4 KB acknowledgement-sized text per mail with
///   the gateway key;
/// - fetch: one `curl` run that fetches every message of the mailbox by UID over
///   one IMAPS connection.
struct Floor: Sendable {
  let mails: Int
  let decryptSeconds: Double
  let signSeconds: Double
  let fetchSeconds: Double
  let fetchedBytes: Int
  /// Mails gpg did not decrypt, or whose signature it did not find good.
  let decryptProblems: Int

  var totalSeconds: Double { decryptSeconds + signSeconds + fetchSeconds }

  /// The mean of two measurements of the same mails (before and after the gateway ran).
  static func mean(_ a: Floor, _ b: Floor) -> Floor {
    Floor(mails: a.mails, decryptSeconds: (a.decryptSeconds + b.decryptSeconds) / 2, signSeconds: (a.signSeconds + b.signSeconds) / 2,
          fetchSeconds: (a.fetchSeconds + b.fetchSeconds) / 2, fetchedBytes: a.fetchedBytes,
          decryptProblems: max(a.decryptProblems, b.decryptProblems))
  }
  var perMailMilliseconds: Double { totalSeconds * 1000 / Double(mails) }

  /// The gpg part, with gpg started the way GPGME starts it (fork and exec, no shell,
  /// `--batch --no-tty --status-fd`); the gateway's own agent and keyring are left alone.
  static func measureGPG(
    corpus: Corpus, environment: TestEnvironment, reporters: [Reporter], directory: String
  ) throws -> (decrypt: Double, sign: Double, problems: Int) {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    try home.importKeys(environment.gatewayHome.exportSecret(environment.gatewayFingerprint))
    for reporter in reporters { try home.importKeys(reporter.home.exportPublic(reporter.fingerprint)) }
    let gpg = try Command.resolve("gpg")
    let variables = ["GNUPGHOME": home.path, "LC_ALL": "C.UTF-8"]
    let decryptArguments = ["--homedir", home.path, "--batch", "--no-tty", "--status-fd", "2", "--decrypt"]
    let signArguments = ["--homedir", home.path, "--batch", "--no-tty", "--status-fd", "2", "--armor", "--detach-sign",
                         "--digest-algo", "SHA256", "--local-user", environment.gatewayFingerprint]
    let statusFile = "\(directory)/floor-gpg.status"
    let textFile = "\(directory)/floor-ack.txt"
    // One warm-up of each starts the agent and loads the keyrings' pages, as the gateway's are.
    try ChildProcess.run(gpg, decryptArguments, stdin: corpus.mails[0].ciphertextFile, stderr: statusFile, environment: variables)
    try FileIO.write(acknowledgementText(index: 0), to: textFile)
    try ChildProcess.run(gpg, signArguments, stdin: textFile, stderr: statusFile, environment: variables)

    var problems = 0
    var decrypt: UInt64 = 0
    for mail in corpus.mails {
      let start = Clock.now
      let exit = try ChildProcess.run(gpg, decryptArguments, stdin: mail.ciphertextFile, stderr: statusFile, environment: variables)
      decrypt += Clock.now - start
      let status = String(decoding: try FileIO.read(statusFile), as: UTF8.self)
      if exit != 0 || !status.contains("[GNUPG:] DECRYPTION_OKAY") || !status.contains("[GNUPG:] GOODSIG ") {
        problems += 1
      }
    }
    var sign: UInt64 = 0
    for index in corpus.mails.indices {
      try FileIO.write(acknowledgementText(index: index), to: textFile)
      let start = Clock.now
      let exit = try ChildProcess.run(gpg, signArguments, stdin: textFile, stderr: statusFile, environment: variables)
      sign += Clock.now - start
      guard exit == 0 else {
        let log = String(decoding: (try? FileIO.read(statusFile)) ?? [], as: UTF8.self)
        throw BenchError("gpg --detach-sign with the gateway key failed (status \(exit)): \(log.suffix(400))")
      }
    }
    return (Double(decrypt) / 1e9, Double(sign) / 1e9, problems)
  }

  /// The curl part: every UID of `mailbox`, fetched in one curl process (a config file
  /// with one URL per message; curl keeps the connection and the selected mailbox).
  static func measureFetch(
    dovecot: DovecotServer, mailbox: String = "INBOX", expected: Int, directory: String
  ) throws -> (seconds: Double, bytes: Int) {
    let search = try Command.run(
      "curl", ["--silent", "--show-error", "--netrc-file", dovecot.netrcFile, dovecot.url(mailbox: mailbox),
               "--request", "UID SEARCH ALL"])
    let uids = search.stdoutText.split(whereSeparator: \.isNewline)
      .filter { $0.hasPrefix("* SEARCH") }
      .flatMap { $0.dropFirst("* SEARCH".count).split(separator: " ").compactMap { UInt32($0) } }
    guard search.status == 0, uids.count == expected else {
      throw BenchError("UID SEARCH in \(mailbox) found \(uids.count) messages, expected \(expected): \(search.stderr)")
    }
    let base = dovecot.url(mailbox: mailbox, tls: true)
    let config = uids.map { "url = \"\(base)/;UID=\($0)\"\noutput = \"/dev/null\"\n" }.joined()
    let configFile = "\(directory)/curl-fetch.conf"
    let sizesFile = "\(directory)/curl-fetch.sizes"
    let errorsFile = "\(directory)/curl-fetch.stderr"
    try FileIO.write(Array(config.utf8), to: configFile)
    let start = Clock.now
    let exit = try ChildProcess.run(
      try Command.resolve("curl"),
      ["--silent", "--show-error", "--netrc-file", dovecot.netrcFile, "--cacert", dovecot.caFile,
       "--write-out", "%{size_download}\n", "--config", configFile],
      stdout: sizesFile, stderr: errorsFile)
    let seconds = Clock.seconds(since: start)
    let sizes = String(decoding: try FileIO.read(sizesFile), as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
    guard exit == 0, sizes.count == uids.count else {
      let log = String(decoding: (try? FileIO.read(errorsFile)) ?? [], as: UTF8.self)
      throw BenchError("curl fetched \(sizes.count) of \(uids.count) messages (status \(exit)): \(log.suffix(400))")
    }
    return (seconds, sizes.reduce(0, +))
  }

  /// About 4 KB of text, the size of Meldpunt's acknowledgement, different for each mail.
  static func acknowledgementText(index: Int) -> [UInt8] {
    var text = """
      Dear reporter,

      Thank you for your report. We have recorded it as case MP-2026-\(String(format: "%04d", index + 1)).
      We will assess it within 3 working days and aim to fix confirmed issues within 60 days,
      following the coordinated vulnerability disclosure guideline of the Dutch NCSC.

      """
    var line = 0
    while text.utf8.count < 4096 {
      line += 1
      text += "Receipt line \(line): the report was received, stored and verified; SHA-256 and time are kept.\n"
    }
    return Array(text.utf8.prefix(4096))
  }
}
