import ArgumentParser

@main
struct Meldpunt: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "meldpunt",
    abstract: "Vulnerability-disclosure intake gateway: reads PGP-encrypted reports from the security mailbox, records each as a case, and answers the reporter with a signed acknowledgement.",
    discussion: """
      Start with `meldpunt init` to write a config file, a database and a key home; edit the config; \
      then run `meldpunt process --once` to handle what is in the inbox now, or `meldpunt run` as a service.

      The config file is chosen with --config or MELDPUNT_CONFIG. Every key can be overridden from the \
      environment: `imap.passwordFile` as MELDPUNT_IMAP_PASSWORD_FILE. Passwords and the key passphrase are \
      read only from files (imap.passwordFile, smtp.passwordFile, gnupg.passphraseFile) or from \
      MELDPUNT_IMAP_PASSWORD, MELDPUNT_SMTP_PASSWORD and MELDPUNT_GNUPG_PASSPHRASE, never from the config file.
      """,
    subcommands: [InitCommand.self, ProcessCommand.self, RunCommand.self, CasesCommand.self, QuarantineCommand.self, OutboxCommand.self, KeysCommand.self, PublishCommand.self, ReportCommand.self, DoctorCommand.self, InspectCommand.self])
}
