import Foundation
import MeldpuntTesting

// `make demo`: the main job end to end on local parts. Starts a throwaway Dovecot
// and SMTP receiver, makes a gateway key and two reporter keys, puts three sample
// reports in the mailbox, runs `meldpunt process --once`, shows what came out, and
// stops everything it started.

func say(_ text: String) { print(text) }

func binaryArgument() -> String {
  let args = CommandLine.arguments
  if let index = args.firstIndex(of: "--meldpunt"), index + 1 < args.count { return args[index + 1] }
  return GatewaySetup.locateBinary()
}

var succeeded = false
do {
  say("== Starting a throwaway Dovecot (IMAP) and SMTP receiver on 127.0.0.1")
  let environment = try TestEnvironment.start()
  defer {
    environment.stop()
    say("== Stopped Dovecot, the SMTP receiver and the gpg agents")
  }
  say("   IMAP: \(environment.dovecot.url(tls: true))   SMTP: \(environment.smtp.url())")
  say("== Keys")
  say("   gateway  \(TestEnvironment.gatewayAddress)  \(environment.gatewayFingerprint)")
  let alice = try environment.addReporter(name: "Alice Researcher", email: "alice@researcher.example", algorithm: .ed25519)
  let bob = try environment.addReporter(name: "Bob Hunter", email: "bob@hunter.example", algorithm: .rsa3072)
  say("   reporter alice@researcher.example  \(alice) (Ed25519)")
  say("   reporter bob@hunter.example        \(bob) (RSA 3072)")
  // The admin imported Alice's public key; Bob's is unknown to the gateway.
  try environment.gatewayHome.importKeys(environment.reporterHome.exportPublic(alice))
  say("   (the gateway knows Alice's public key; Bob's it does not)")

  say("== Putting three sample reports in the inbox")
  let to = TestEnvironment.gatewayAddress
  let samples: [(String, [UInt8])] = [
    ("PGP/MIME, encrypted and signed, from Alice", try ReportMail.pgpMIMEEncrypted(
      from: "Alice Researcher <alice@researcher.example>", to: to, subject: "XSS in the customer portal",
      body: "Affected: https://portal.example.org/search\nThe q parameter is reflected unescaped.\n",
      recipientKey: environment.gatewayFingerprint, signer: alice, home: environment.reporterHome)),
    ("PGP/MIME, encrypted only, from Bob", try ReportMail.pgpMIMEEncrypted(
      from: "Bob Hunter <bob@hunter.example>", to: to, subject: "Open S3 bucket",
      body: "The bucket backups.example.org is world-readable.\n",
      recipientKey: environment.gatewayFingerprint, signer: nil, home: environment.reporterHome)),
    ("inline PGP, encrypted and signed, from Alice", try ReportMail.inlineEncrypted(
      from: "Alice Researcher <alice@researcher.example>", to: to, subject: "Follow-up finding",
      body: "A second issue: the password reset token never expires.\n",
      recipientKey: environment.gatewayFingerprint, signer: alice, home: environment.reporterHome)),
  ]
  for (label, mail) in samples {
    try environment.dovecot.append(mail)
    say("   \(label) (\(mail.count) bytes)")
  }

  let gateway = try GatewaySetup(environment: environment, binary: binaryArgument())
  say("== meldpunt process --once --config \(gateway.configPath)")
  let run = try gateway.run(["process", "--once"])
  say(run.stdoutText.split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))
  if run.status != 0 { say("   (exit status \(run.status))\n" + run.stderr) }

  say("== meldpunt cases list")
  say(try gateway.run(["cases", "list"]).stdoutText)

  say("== Acknowledgements that reached the SMTP receiver")
  let received = try environment.smtp.waitForMessages(count: samples.count, timeout: 20)
  for mail in received {
    let check = try SignedMailCheck(mail.data, home: environment.reporterHome)
    let verdict = check.signatureGood ? "good signature by \(check.signerFingerprint ?? "?")" : "NOT a good signature"
    let form = check.isEncrypted ? "signed and encrypted to the reporter (outer subject \"\(check.message.headers["Subject"] ?? "")\")"
      : "PGP/MIME signed, \(check.micalg ?? "no micalg")"
    say("   to \(mail.recipients.joined(separator: ", ")): \"\(check.subject ?? "")\"")
    say("      gpg: \(verdict); \(form)")
  }
  say("== Mailbox: INBOX \(try environment.dovecot.messages(in: "INBOX").count), Processed \(try environment.dovecot.messages(in: "Processed").count), Quarantine \(try environment.dovecot.messages(in: "Quarantine").count)")
  succeeded = run.status == 0 && received.count == samples.count
} catch {
  say("demo failed: \(error)")
}
exit(succeeded ? 0 : 1)
