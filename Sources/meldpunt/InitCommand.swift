import ArgumentParser
import Foundation
import OpenPGP
import Store

struct InitCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a config file, the database and the key home. Never overwrites anything.",
    discussion: """
      Paths in the new config file are relative to the config file's folder. The key home is created \
      with mode 0700 and the database with mode 0600. Afterwards: set the IMAP and SMTP servers in the \
      config, put the passwords in the files it names, and create or import the gateway key into the key home.
      """)

  @Option(name: .long, help: ArgumentHelp("Where to write the config file (default: $MELDPUNT_CONFIG, else ./meldpunt.json).", valueName: "file"))
  var config: String?

  @Option(name: .long, help: ArgumentHelp("The published security address reports are sent to.", valueName: "address"))
  var address = "security@example.org"

  func run() async throws {
    let path = config ?? ProcessInfo.processInfo.environment["MELDPUNT_CONFIG"] ?? "meldpunt.json"
    let fm = FileManager.default
    let directory = ((path.hasPrefix("/") ? path : fm.currentDirectoryPath + "/" + path) as NSString).deletingLastPathComponent
    try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)

    if fm.fileExists(atPath: path) {
      print("Config file \(path) exists; left unchanged.")
    } else {
      let text = Self.template(address: address)
      guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
        throw Failure("Cannot write \(path); check that the folder is writable.")
      }
      print("Wrote config file \(path).")
    }

    let home = directory + "/gnupg"
    if fm.fileExists(atPath: home) {
      print("Key home \(home) exists; left unchanged.")
    } else {
      try fm.createDirectory(atPath: home, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
      // no-random-seed-file: parallel gpg runs in one home otherwise queue on that file's lock.
      try Data("no-random-seed-file\n".utf8).write(to: URL(fileURLWithPath: home + "/gpg.conf"))
      // Loopback pinentry for the passphrase callback; the agent must not keep the passphrase.
      try Data("allow-loopback-pinentry\ndefault-cache-ttl 0\nmax-cache-ttl 0\n".utf8)
        .write(to: URL(fileURLWithPath: home + "/gpg-agent.conf"))
      print("Created key home \(home) (mode 0700).")
    }
    // The reporters' and the team's keyrings beside the gateway's own (issue 18).
    do { try KeyRoles(home: home).prepare() } catch { throw Failure("\(error)") }

    let database = directory + "/meldpunt.sqlite"
    if fm.fileExists(atPath: database) {
      print("Database \(database) exists; left unchanged.")
    } else {
      do { _ = try Store(path: database) } catch { throw Failure("\(error)") }
      print("Created database \(database) (mode 0600).")
    }
  }

  static func template(address: String) -> String {
    """
    {
      "imap": {
        "url": "imaps://mail.example.org:993/INBOX",
        "user": "\(address)",
        "passwordFile": "imap.password",
        "processedFolder": "Processed",
        "quarantineFolder": "Quarantine"
      },
      "smtp": {
        "url": "smtp://mail.example.org:587",
        "user": "\(address)",
        "passwordFile": "smtp.password"
      },
      "gateway": {
        "address": "\(address)",
        "organisation": "\(address.split(separator: "@").last ?? "")",
        "pollSeconds": 60
      },
      "gnupg": {
        "home": "gnupg"
      },
      "database": {
        "path": "meldpunt.sqlite"
      },
      "timeline": {
        "defaultFixDays": 60
      }
    }

    """
  }
}
