import Foundation

/// An isolated GnuPG home driven through the gpg 2.2 command line, for making
/// test keys and the mails a reporter's client would send.
///
/// Each home has its own gpg-agent, which `killAgent()` (and `deinit`) stops
/// with `gpgconf --kill all`; `deinit` also removes the directory. The path
/// is short (/tmp/mp-g-XXXXXX) because gpg-agent puts its sockets in it.
///
/// The agent caches no passphrases (`default-cache-ttl 0`): a test that a
/// wrong passphrase is refused must not pass because key generation left the
/// right one in the cache. It also protects keys with the minimum S2K
/// iteration count: the calibrated default makes every unlock of a
/// passphrase-protected key cost about half a second on a small CI machine.
///
/// This type parses gpg `--status-file` lines, which is fine on the test side;
/// the gateway itself uses GPGME. See doc/DETAILS in GnuPG for the status lines.
public final class GnuPGHome: Sendable {
  public enum KeyAlgorithm: Sendable {
    /// Ed25519 signing primary key with a Cv25519 encryption subkey.
    case ed25519
    /// RSA 3072 signing primary key with an RSA 3072 encryption subkey.
    case rsa3072
  }

  public let path: String

  private init(path: String) {
    self.path = path
  }

  /// Creates a fresh home (mode 0700) with gpg.conf and gpg-agent.conf.
  public static func make() throws -> GnuPGHome {
    let path = try TemporaryDirectory.make(prefix: "mp-g-")
    do {
      // gpg 2.2 looks unknown recipients up by WKD (network, via dirmngr);
      // tests must fail fast and offline instead.
      try Files.write(
        "no-random-seed-file\nauto-key-locate local\nno-auto-key-retrieve\n",
        to: "\(path)/gpg.conf", mode: 0o600)
      try Files.write(
        "allow-loopback-pinentry\ndefault-cache-ttl 0\nmax-cache-ttl 0\ns2k-count 65536\n",
        to: "\(path)/gpg-agent.conf",
        mode: 0o600)
    } catch {
      TemporaryDirectory.remove(path)
      throw error
    }
    return GnuPGHome(path: path)
  }

  // MARK: - Running gpg

  /// Runs `gpg --homedir PATH --batch --no-tty ARGS`. Does not throw on a
  /// non-zero status; callers read `status`.
  public func gpg(_ args: [String], stdin: [UInt8]? = nil) throws -> CommandResult {
    try Command.run(
      "gpg", ["--homedir", path, "--batch", "--no-tty"] + args, stdin: stdin,
      environment: ["GNUPGHOME": path, "LC_ALL": "C.UTF-8"])
  }

  /// Runs gpg with `--status-file` and returns its status lines without the
  /// `[GNUPG:] ` prefix (e.g. `GOODSIG 0123… Name <a@b>`).
  public func gpgWithStatus(_ args: [String], stdin: [UInt8]? = nil) throws -> (
    result: CommandResult, status: [String]
  ) {
    let statusFile = "\(path)/status-\(UUID().uuidString)"
    defer { _ = unlink(statusFile) }
    let result = try gpg(["--status-file", statusFile] + args, stdin: stdin)
    let text = (try? Files.read(statusFile)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    let status = text.split(separator: "\n").compactMap { line -> String? in
      line.hasPrefix("[GNUPG:] ") ? String(line.dropFirst(9)) : nil
    }
    return (result, status)
  }

  /// Like `gpgWithStatus`, but throws `HarnessError.commandFailed` on a non-zero status.
  @discardableResult
  private func gpgChecked(_ args: [String], stdin: [UInt8]? = nil, what: String) throws -> (
    result: CommandResult, status: [String]
  ) {
    let (result, status) = try gpgWithStatus(args, stdin: stdin)
    guard result.status == 0 else {
      throw HarnessError.commandFailed(
        program: "gpg (\(what))", status: result.status, stderrTail: Files.tail(text: result.stderr)
      )
    }
    return (result, status)
  }

  private static func passphraseArguments(_ passphrase: String?) -> [String] {
    ["--pinentry-mode", "loopback", "--passphrase", passphrase ?? ""]
  }

  // MARK: - Keys

  /// Generates a key without expiry and returns the primary fingerprint
  /// (40 uppercase hex digits). A nil or empty passphrase leaves it unprotected.
  @discardableResult
  public func generateKey(
    name: String, email: String, algorithm: KeyAlgorithm = .ed25519, passphrase: String? = nil
  ) throws -> String {
    let (primary, subkey) =
      switch algorithm {
      case .ed25519: ("ed25519", "cv25519")
      case .rsa3072: ("rsa3072", "rsa3072")
      }
    let unlock = Self.passphraseArguments(passphrase)
    let (_, status) = try gpgChecked(
      unlock + ["--quick-generate-key", "\(name) <\(email)>", primary, "sign", "never"],
      what: "generate key")
    guard
      let created = status.first(where: { $0.hasPrefix("KEY_CREATED ") }),
      let fingerprint = created.split(separator: " ").dropFirst(2).first.map(String.init)
    else {
      throw HarnessError.unexpectedOutput(
        program: "gpg", detail: "no KEY_CREATED status after key generation")
    }
    try gpgChecked(
      unlock + ["--quick-add-key", fingerprint, subkey, "encr", "never"], what: "add subkey")
    // As `meldpunt keys generate` does: without it gpg checks the new subkey's binding
    // signature again on every later run (see OpenPGPEngine.generateKey).
    try gpgChecked(unlock + ["--quick-set-expire", fingerprint, "never"], what: "set expiry")
    return fingerprint.uppercased()
  }

  /// The armored public key(s) matching `who` (fingerprint, address, name).
  public func exportPublic(_ who: String) throws -> [UInt8] {
    let (result, _) = try gpgChecked(["--armor", "--export", who], what: "export public key")
    guard !result.stdout.isEmpty else {
      throw HarnessError.unexpectedOutput(
        program: "gpg", detail: "no public key matches \(who) in \(path)")
    }
    return result.stdout
  }

  /// The armored secret key(s) matching `who`, still protected by `passphrase`.
  public func exportSecret(_ who: String, passphrase: String? = nil) throws -> [UInt8] {
    let (result, _) = try gpgChecked(
      Self.passphraseArguments(passphrase) + ["--armor", "--export-secret-keys", who],
      what: "export secret key")
    guard !result.stdout.isEmpty else {
      throw HarnessError.unexpectedOutput(
        program: "gpg", detail: "no secret key matches \(who) in \(path)")
    }
    return result.stdout
  }

  /// Imports armored or binary keys (public or secret).
  public func importKeys(_ armored: [UInt8]) throws {
    let (_, status) = try gpgChecked(
      Self.passphraseArguments(nil) + ["--import"], stdin: armored, what: "import keys")
    guard status.contains(where: { $0.hasPrefix("IMPORT_OK ") }) else {
      throw HarnessError.unexpectedOutput(program: "gpg", detail: "import reported no IMPORT_OK")
    }
  }

  public func importKeys(file: String) throws {
    try importKeys(Files.read(file))
  }

  /// Fingerprints of the primary keys in the keyring (uppercase hex).
  public func fingerprints(secret: Bool = false) throws -> [String] {
    let (result, _) = try gpgChecked(
      ["--with-colons", "--fingerprint", secret ? "--list-secret-keys" : "--list-keys"],
      what: "list keys")
    var fingerprints: [String] = []
    var expectPrimaryFingerprint = false
    for line in result.stdoutText.split(separator: "\n") {
      let fields = line.split(separator: ":", omittingEmptySubsequences: false)
      switch fields.first {
      case "pub", "sec": expectPrimaryFingerprint = true
      case "sub", "ssb": expectPrimaryFingerprint = false
      case "fpr" where expectPrimaryFingerprint && fields.count > 9:
        fingerprints.append(String(fields[9]))
        expectPrimaryFingerprint = false
      default: break
      }
    }
    return fingerprints
  }

  // MARK: - Operations a reporter's client performs

  /// Encrypts `plaintext` (armored) to `recipients` with `--trust-model always`,
  /// so freshly imported, uncertified keys work; with `signer` it signs and
  /// encrypts in one OpenPGP message, as Thunderbird and Enigmail do.
  public func encrypt(
    _ plaintext: [UInt8], to recipients: [String], signer: String? = nil,
    signerPassphrase: String? = nil
  ) throws -> [UInt8] {
    var args =
      Self.passphraseArguments(signerPassphrase) + [
        "--armor", "--trust-model", "always", "--encrypt",
      ]
    for recipient in recipients { args += ["--recipient", recipient] }
    if let signer { args += ["--sign", "--local-user", signer] }
    return try gpgChecked(
      args, stdin: plaintext, what: signer == nil ? "encrypt" : "sign and encrypt"
    ).result.stdout
  }

  /// An armored detached signature over `data`, and the hash it used as the
  /// RFC 3156 `micalg` value (e.g. "pgp-sha256").
  public func detachSign(_ data: [UInt8], signer: String, passphrase: String? = nil) throws -> (
    signature: [UInt8], micalg: String
  ) {
    let (result, status) = try gpgChecked(
      Self.passphraseArguments(passphrase) + [
        "--armor", "--detach-sign", "--digest-algo", "SHA256", "--local-user", signer,
      ], stdin: data, what: "detach-sign")
    // SIG_CREATED <type> <pk_algo> <hash_algo> <class> <timestamp> <fpr>
    guard
      let created = status.first(where: { $0.hasPrefix("SIG_CREATED ") }),
      let hashID = created.split(separator: " ").dropFirst(3).first.flatMap({ Int($0) }),
      let hash = Self.hashNames[hashID]
    else {
      throw HarnessError.unexpectedOutput(
        program: "gpg", detail: "no usable SIG_CREATED status after signing")
    }
    return (result.stdout, "pgp-\(hash)")
  }

  /// OpenPGP hash algorithm ids (RFC 4880 §9.4) to RFC 3156 micalg names.
  private static let hashNames: [Int: String] = [
    1: "md5", 2: "sha1", 3: "ripemd160", 8: "sha256", 9: "sha384", 10: "sha512", 11: "sha224",
  ]

  /// Verifies a detached signature. `good` needs both GOODSIG and VALIDSIG;
  /// `fingerprint` is the signer's primary key fingerprint from VALIDSIG.
  public func verifyDetached(signedBytes: [UInt8], signature: [UInt8]) throws -> (
    good: Bool, fingerprint: String?
  ) {
    let id = UUID().uuidString
    let dataFile = "\(path)/verify-\(id).data"
    let signatureFile = "\(path)/verify-\(id).sig"
    defer {
      _ = unlink(dataFile)
      _ = unlink(signatureFile)
    }
    try Files.write(signedBytes, to: dataFile, mode: 0o600)
    try Files.write(signature, to: signatureFile, mode: 0o600)
    let (_, status) = try gpgWithStatus(["--verify", signatureFile, dataFile])
    let good =
      status.contains { $0.hasPrefix("GOODSIG ") } && status.contains { $0.hasPrefix("VALIDSIG ") }
    return (good, Self.signerFingerprint(status))
  }

  /// Decrypts (and verifies, if signed) an OpenPGP message. `statusLines`
  /// lack the `[GNUPG:] ` prefix; look for DECRYPTION_OKAY, GOODSIG, VALIDSIG.
  public func decrypt(_ armored: [UInt8], passphrase: String? = nil) throws -> (
    status: Int32, plaintext: [UInt8], statusLines: [String]
  ) {
    let (result, status) = try gpgWithStatus(
      Self.passphraseArguments(passphrase) + ["--decrypt"], stdin: armored)
    return (result.status, result.stdout, status)
  }

  /// The primary fingerprint from a VALIDSIG status line, if any:
  /// VALIDSIG <fpr> <date> <ts> <expire> <ver> <reserved> <pk> <hash> <class> <primary-fpr>
  public static func signerFingerprint(_ statusLines: [String]) -> String? {
    guard let line = statusLines.first(where: { $0.hasPrefix("VALIDSIG ") }) else { return nil }
    let fields = line.split(separator: " ")
    return fields.count > 10 ? String(fields[10]) : fields.count > 1 ? String(fields[1]) : nil
  }

  // MARK: - Teardown

  /// Stops this home's gpg-agent (and dirmngr, if one was started) and waits
  /// until they have exited, so the directory can go and nothing is left
  /// running. `gpgconf --kill` only asks them to exit. Idempotent.
  ///
  /// The daemons are children of init, which reaps them: until it does they
  /// are zombies, and `pgrep gpg-agent` still lists them as `<defunct>`. Some
  /// container inits reap only every second or two.
  public func killAgent() {
    guard FileManager.default.fileExists(atPath: path) else { return }
    let daemons = runningDaemonIDs()
    do {
      let result = try Command.run(
        "gpgconf", ["--homedir", path, "--kill", "all"], environment: ["GNUPGHOME": path])
      if result.status != 0 {
        FileHandle.standardError.write(
          Data("MeldpuntTesting: gpgconf --kill all failed: \(result.stderr)\n".utf8))
      }
    } catch {
      FileHandle.standardError.write(
        Data("MeldpuntTesting: could not run gpgconf: \(error)\n".utf8))
    }
    let deadline = monotonicMilliseconds() + 5000
    while daemons.contains(where: processIsAlive) && monotonicMilliseconds() < deadline {
      waitBetweenPolls(milliseconds: 10)
    }
  }

  /// Process ids of this home's running gpg-agent and dirmngr, asked over
  /// their sockets without starting them.
  private func runningDaemonIDs() -> [pid_t] {
    [[], ["--dirmngr"]].compactMap { extra -> pid_t? in
      let result = try? Command.run(
        "gpg-connect-agent",
        ["--homedir", path, "--no-autostart"] + extra + ["getinfo pid", "/bye"],
        environment: ["GNUPGHOME": path])
      // "D 12345" then "OK"; no output when the daemon is not running.
      guard let result, result.status == 0,
        let line = result.stdoutText.split(separator: "\n").first(where: { $0.hasPrefix("D ") })
      else { return nil }
      return pid_t(line.dropFirst(2).trimmingCharacters(in: .whitespaces))
    }
  }

  deinit {
    killAgent()
    TemporaryDirectory.remove(path)
  }
}
