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

  static func main() async {
    limitMallocArenas()
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }

  /// glibc gives each busy thread its own heap ("arena", up to eight per core). The
  /// pipeline's threads each touch every mail, and the arenas fragmented: the peak grew
  /// by about 10 KB per mail (benchmark, 1000 mails) and stayed flat with one arena.
  /// One arena measured flattest, and no slower: the threads mostly wait for gpg and the servers.
  static func limitMallocArenas() {
    #if canImport(Glibc)
      let arenaMax: Int32 = -8  // M_ARENA_MAX in <malloc.h>, which the Glibc module does not import
      _ = glibcMallopt(arenaMax, 1)
    #endif
  }
}

#if canImport(Glibc)
  /// `int mallopt(int param, int value)` from glibc's <malloc.h>.
  @_silgen_name("mallopt")
  private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
