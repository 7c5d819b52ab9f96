import ArgumentParser
import Foundation
import Gateway
import OpenPGP
import Store

struct KeysCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys",
    abstract: "Manage the gateway's keys and see the reporters' keys.",
    discussion: """
      The gateway key signs every mail Meldpunt sends and decrypts reports. It lives in the key home \
      (`gnupg.home`), protected by the passphrase in `gnupg.passphraseFile` if there is one. Only its \
      public part ever leaves the machine (`keys export --public`, `meldpunt publish`). It is chosen by \
      fingerprint: made by `keys generate` or `keys rotate`, adopted with `keys adopt`, imported with \
      `keys import`, or named by `gateway.signingKey`; never found by its address. Reporters' keys live \
      in `reporters/` beside it, the team's in `team/`; no mail can add a key to the key home.
      """,
    subcommands: [Generate.self, List.self, Import.self, Adopt.self, Pin.self, Export.self, Rotate.self, Revoke.self])

  /// Parses lifetimes like "2y", "18m", "90d", "never".
  struct Lifetime: ExpressibleByArgument {
    let seconds: Int
    init?(argument: String) {
      let text = argument.lowercased()
      if text == "never" || text == "0" { seconds = 0; return }
      guard let unit = text.last, let number = Int(text.dropLast()), number > 0 else { return nil }
      switch unit {
      case "y": seconds = number * 365 * 86_400
      case "m": seconds = number * 30 * 86_400
      case "d": seconds = number * 86_400
      default: return nil
      }
    }
  }

  struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the gateway key for `gateway.address` in the key home.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Option(help: ArgumentHelp("ed25519 (default: Ed25519 signing, Cv25519 encryption), rsa3072 or rsa4096.", valueName: "algorithm"))
    var algorithm: String = "ed25519"
    @Option(help: ArgumentHelp("How long the key is valid: 2y (default), 18m, 90d or never.", valueName: "lifetime"))
    var expires: Lifetime = Lifetime(argument: "2y")!

    func validate() throws {
      if KeyAlgorithm(rawValue: algorithm) == nil {
        throw ValidationError("Unknown algorithm '\(algorithm)'; use ed25519, rsa3072 or rsa4096.")
      }
    }

    func run() async throws {
      let configuration = try await options.loadConfiguration(readSecrets: true)
      let fpr = try await KeyWork.generate(configuration, algorithm: KeyAlgorithm(rawValue: algorithm)!, lifetime: expires.seconds,
                                            actor: actor.name, action: "generated", options: options)
      print("Created key \(fpr.hex) for \(configuration.address) in \(configuration.gnupgHome).")
      print(configuration.passphrase == nil ? "It has no passphrase (set gnupg.passphraseFile before generating to protect it)."
                                            : "It is protected by the passphrase in gnupg.passphraseFile.")
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the gateway's, the team's and the reporters' keys, with expiry, pins and where they came from.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
      let configuration = try await options.loadConfiguration(readSecrets: true)
      let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
      try engine.roles.prepare()
      let store = try await options.openStore()
      let gateway = try await Gateway.gatewayKeys(configuration, engine: engine, store: store)
      let secret = try await engine.keys(secret: true)
      let team = try await engine.keys(in: .team)
      let all = try await engine.keys(secret: false)
      let seen = try await store.reporterKeys()
      var entries = gateway.map { KeyJSON($0, role: "gateway", seen: []) }
      // A secret key nobody adopted: it neither signs nor is published until `keys adopt`.
      entries += secret.filter { key in !gateway.contains { $0.fingerprint == key.fingerprint } }.map { KeyJSON($0, role: "gateway-candidate", seen: []) }
      entries += team.map { KeyJSON($0, role: "team", seen: []) }
      entries += all.filter { key in !secret.contains { $0.fingerprint == key.fingerprint } && !team.contains { $0.fingerprint == key.fingerprint } }
        .map { key in KeyJSON(key, role: "reporter", seen: seen.filter { $0.fingerprint == key.fingerprint.hex }) }
      if json { try printJSON(entries); return }
      var rows = [["ROLE", "FINGERPRINT", "USER IDS", "EXPIRES", "STATE", "SOURCE", "PINNED TO", "LAST SEEN"]]
      for e in entries {
        rows.append([e.role, e.fingerprint, e.userIDs.joined(separator: "; "), e.expiresAt.map(Dates.day) ?? "never",
                     e.state, e.source ?? "-", e.pinnedTo.isEmpty ? "-" : e.pinnedTo.joined(separator: ", "), e.lastSeen.map(Dates.day) ?? "-"])
      }
      print(Table.render(rows))
      let conflicts = try await store.keyEvents().filter { $0.action == "conflict" }
      for conflict in conflicts { print("CONFLICT: key \(conflict.fingerprint): \(conflict.detail)") }
    }
  }

  struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Import keys from a file (or - for standard input): a reporter's public key, or the gateway's own secret key.",
      discussion: """
        Public keys go into the reporters' keyring and are pinned to each address they carry that has no pinned \
        key yet (use `keys pin` to change a pin). A file with a secret key is the gateway's own key: it goes \
        into the key home and is recorded as a gateway key.
        """)
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The key file, or - to read standard input.", valueName: "file")) var file: String

    func run() async throws {
      let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
      guard let data else { throw Failure("Cannot read \(file).") }
      let gateway = try await options.openGateway(logger: options.makeLogger())
      let result: Gateway.AdminImport
      do { result = try await gateway.importAdminKeys([UInt8](data), file: file, actor: actor.name) } catch { throw Failure("\(error)") }
      if result.gatewayKeys.isEmpty && result.reporterKeys.isEmpty { throw Failure("No OpenPGP key found in \(file).") }
      for fpr in result.gatewayKeys { print("Imported gateway key \(fpr.hex)") }
      for fpr in result.reporterKeys { print("Imported \(fpr.hex)") }
      for note in result.notes { print("Note: \(note)") }
    }
  }

  struct Adopt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make a key created with gpg in the key home a gateway key (by its fingerprint).",
      discussion: "A key in the key home is never used because of its address: it signs and is published only once adopted (or named by `gateway.signingKey`).")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The key's full fingerprint (see `meldpunt keys list`).", valueName: "fingerprint")) var fingerprint: String

    func run() async throws {
      let configuration = try await options.loadConfiguration(readSecrets: true)
      let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
      let store = try await options.openStore()
      do {
        let key = try await Gateway.adoptGatewayKey(fingerprint, configuration: configuration, engine: engine, store: store, actor: actor.name)
        print("Adopted \(key.fingerprint.hex) (\(key.userIDs.joined(separator: "; "))) as a gateway key; it signs from now on unless `gateway.signingKey` names another.")
      } catch { throw Failure("\(error)") }
    }
  }

  struct Pin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make FINGERPRINT the one key trusted for a reporter's ADDRESS (settles a key conflict).")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The reporter's address.", valueName: "address")) var address: String
    @Argument(help: ArgumentHelp("The key's full fingerprint.", valueName: "fingerprint")) var fingerprint: String

    func run() async throws {
      let gateway = try await options.openGateway(logger: options.makeLogger())
      do { try await gateway.pinKey(fingerprint, address: address, actor: actor.name) } catch { throw Failure("\(error)") }
      print("Pinned \(Fingerprint(fingerprint).hex) to \(address.lowercased()); no other key is used for it.")
    }
  }

  struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the gateway's public key(s), armored. Never the secret key.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "The public key (required: Meldpunt never exports secret keys).") var `public` = false
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?

    func validate() throws {
      if !self.public { throw ValidationError("Add --public: only public keys can be exported.") }
    }

    func run() async throws {
      let configuration = try await options.loadConfiguration(readSecrets: true)
      let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
      var armored: [UInt8] = []
      let store = try Gateway.existingStore(configuration)
      for key in try await Gateway.gatewayKeys(configuration, engine: engine, store: store) where !key.revoked && !key.expired {
        armored += try await engine.exportPublicKey(key.fingerprint.hex, armored: true)
      }
      if armored.isEmpty { throw Failure("No gateway key for \(configuration.address); create one with `meldpunt keys generate`.") }
      if let out {
        guard FileManager.default.createFile(atPath: out, contents: Data(armored), attributes: [.posixPermissions: 0o644]) else {
          throw Failure("Cannot write \(out).")
        }
      } else {
        FileHandle.standardOutput.write(Data(armored))
      }
    }
  }

  struct Rotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create a new gateway key that signs from now on; the old key keeps decrypting.",
      discussion: "Publish both keys for a transition period (`meldpunt publish` exports every valid gateway key), then revoke the old one with `meldpunt keys revoke`.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Option(help: ArgumentHelp("ed25519 (default), rsa3072 or rsa4096.", valueName: "algorithm")) var algorithm: String = "ed25519"
    @Option(help: ArgumentHelp("Lifetime of the new key: 2y (default), 18m, 90d or never.", valueName: "lifetime"))
    var expires: Lifetime = Lifetime(argument: "2y")!

    func run() async throws {
      guard let algo = KeyAlgorithm(rawValue: algorithm) else { throw ValidationError("Unknown algorithm '\(algorithm)'.") }
      let configuration = try await options.loadConfiguration(readSecrets: true)
      let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
      let old = try await Gateway.gatewayKeys(configuration, engine: engine, store: Gateway.existingStore(configuration))
        .filter { !$0.revoked && !$0.expired }
      let fpr = try await KeyWork.generate(configuration, algorithm: algo, lifetime: expires.seconds, actor: actor.name,
                                            action: "rotated", options: options,
                                            detail: "replaces \(old.map(\.fingerprint.hex).joined(separator: ", "))")
      print("New signing key \(fpr.hex). Old key(s) \(old.map(\.fingerprint.hex).joined(separator: ", ")) still decrypt.")
      if configuration.signingKey != nil {
        print("Note: gateway.signingKey is set in the config; change it to \(fpr.hex) for the new key to sign.")
      }
      print("Publish both keys now (`meldpunt publish`), and revoke the old one after the transition period.")
    }
  }

  struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke a gateway key (it stops signing; mail still encrypted to it can still be read).")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var actor: ActorOption
    @Argument(help: ArgumentHelp("The fingerprint of the key to revoke.", valueName: "fingerprint")) var fingerprint: String

    func run() async throws {
      let configuration = try await options.loadConfiguration(readSecrets: true)
      let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
      let fpr = Fingerprint(fingerprint)
      do { try await engine.revoke(fpr) } catch { throw Failure("\(error)") }
      let store = try await options.openStore()
      try await store.recordKeyEvent(action: "revoked", fingerprint: fpr.hex, detail: "revoked with its revocation certificate", actor: actor.name)
      print("Revoked \(fpr.hex). Publish again (`meldpunt publish`) so reporters get the revocation.")
    }
  }
}

enum KeyWork {
  static func generate(_ configuration: GatewayConfiguration, algorithm: KeyAlgorithm, lifetime: Int, actor: String, action: String,
                       options: GlobalOptions, detail: String = "") async throws -> Fingerprint {
    let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
    let userID = "\(configuration.organisation) security <\(configuration.address)>"
    let fpr: Fingerprint
    do { fpr = try await engine.generateKey(userID: userID, algorithm: algorithm, lifetime: lifetime) } catch { throw Failure("\(error)") }
    // The record is what makes the key the gateway's (it is never found by its address), so
    // the database is created here if `init` has not made it yet.
    let store: Store
    do { store = try Store(path: configuration.databasePath, keepReportText: configuration.storeReportText) } catch { throw Failure("\(error)") }
    try await store.recordKeyEvent(action: action, fingerprint: fpr.hex,
                                   detail: "\(algorithm.rawValue), \(lifetime == 0 ? "no expiry" : "expires in \(lifetime / 86_400) days") \(detail)",
                                   actor: actor)
    return fpr
  }
}

struct KeyJSON: Encodable {
  let role: String
  let fingerprint: String
  let userIDs: [String]
  let expiresAt: Date?
  let createdAt: Date?
  let state: String
  let canSign: Bool
  let canEncrypt: Bool
  let source: String?
  let firstSeen: Date?
  let lastSeen: Date?
  /// The addresses this key is pinned to.
  let pinnedTo: [String]

  init(_ key: KeyInfo, role: String, seen: [ReporterKey]) {
    self.role = role
    fingerprint = key.fingerprint.hex
    userIDs = key.userIDs
    expiresAt = key.expiresAt
    createdAt = key.createdAt
    state = key.revoked ? "revoked" : key.expired ? "expired" : "valid"
    canSign = key.canSign
    canEncrypt = key.canEncrypt
    source = seen.first?.source.rawValue
    firstSeen = seen.map(\.firstSeen).min()
    lastSeen = seen.map(\.lastSeen).max()
    pinnedTo = seen.filter { $0.pinnedAt != nil }.map(\.address)
  }
}
