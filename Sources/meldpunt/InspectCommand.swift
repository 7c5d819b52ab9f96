import ArgumentParser
import Cases
import Foundation
import Gateway
import OpenPGP
import Store

struct InspectCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show what the gateway makes of one mail file, without a mailbox or database.",
    discussion: """
      Runs the same parsing, decryption and verdict code as the pipeline on FILE (.eml, or an mbox file \
      holding one message) and prints the verdict: what was encrypted, who signed which part, and the \
      flags that qualify it. Nothing is stored and no mail is sent. Exit status 0 whenever the mail \
      could be judged, whatever the verdict.
      """)

  @Argument(help: ArgumentHelp("The mail file (.eml or a single-message mbox).", valueName: "file"))
  var file: String

  @Option(name: .customLong("gnupghome"), help: ArgumentHelp("The key home to decrypt and verify with (default: `gnupg.home` from the config if there is one, else $GNUPGHOME, else ~/.gnupg).", valueName: "dir"))
  var gnupgHome: String?

  @Option(name: .long, help: ArgumentHelp("A config file to take the key home, passphrase and limits from.", valueName: "file"))
  var config: String?

  @Flag(name: .long, help: "Import keys the mail offers into the reporters' keyring when a signer is unknown, as the gateway does (same rules). Off by default: inspecting then only says which keys the gateway would take, and changes nothing.")
  var importKeys = false

  @Flag(help: "Print one JSON object for scripts.")
  var json = false

  func run() async throws {
    guard let data = FileManager.default.contents(atPath: file) else {
      throw Failure("Cannot read \(file); check the path and permissions.")
    }
    let reader = try await makeReader()
    let reading = await reader.read([UInt8](data), receivedAt: Date())
    if json {
      try printJSON(InspectionJSON(reading))
    } else {
      print(Self.describe(reading))
    }
  }

  func makeReader() async throws -> ReportReader {
    let configPath = config ?? ProcessInfo.processInfo.environment["MELDPUNT_CONFIG"]
    var configuration: GatewayConfiguration?
    if let configPath, FileManager.default.fileExists(atPath: configPath) {
      do { configuration = try await ConfigurationLoader.load(path: configPath, readSecrets: true) }
      catch { throw Failure("\(error)") }
    }
    let home = gnupgHome ?? configuration?.gnupgHome ?? ProcessInfo.processInfo.environment["GNUPGHOME"]
      ?? (NSHomeDirectory() + "/.gnupg")
    guard FileManager.default.fileExists(atPath: home) else {
      throw Failure("The key home \(home) does not exist; name one with --gnupghome.")
    }
    let engine = OpenPGPEngine(home: home, passphrase: configuration?.passphrase ?? ProcessInfo.processInfo.environment["MELDPUNT_GNUPG_PASSPHRASE"])
    // The same keyring roles and import rules as the gateway (issue 18, point 8).
    do { try engine.roles.prepare() } catch { throw Failure("\(error)") }
    let store: Store?
    do { store = try configuration.flatMap(Gateway.existingStore) } catch { throw Failure("\(error)") }
    let trust: KeyTrust
    do {
      trust = try await KeyTrust.make(engine: engine, store: store, gatewayAddress: configuration?.address ?? "",
                                      teamAddresses: configuration?.team.addresses ?? [], dryRun: !importKeys)
    } catch { throw Failure("\(error)") }
    return ReportReader(engine: engine, limits: configuration?.limits ?? .default,
                        maxDecryptedBytes: configuration?.maxDecryptedBytes ?? 64 * 1024 * 1024,
                        acceptPlaintext: configuration?.acceptPlaintext ?? true, trust: trust)
  }

  static func describe(_ reading: Reading) -> String {
    let v = reading.verdict
    var lines: [String] = []
    switch reading.outcome {
    case .report: lines.append("Outcome:     readable report (the gateway would open a case)")
    case .undecryptable(let reason): lines.append("Outcome:     cannot be decrypted (\(reason.rawValue)); the gateway would quarantine it")
    case .rejected(let reason, let detail): lines.append("Outcome:     rejected (\(reason)): \(detail)")
    }
    lines.append("From:        \(reading.from?.address ?? "(no usable From address)")")
    lines.append("Subject:     \(reading.subject)\(reading.subjectWasProtected ? "  [protected: from inside the encryption]" : "")")
    var encryption = "Encryption:  \(v.encryption.name)"
    if case .partial(let paths) = v.encryption { encryption += " (only \(paths.joined(separator: ", ")))" }
    if case .failed(let reason) = v.encryption { encryption += " (\(reason.rawValue))" }
    lines.append(encryption)
    var signature = "Signature:   \(v.signature.name)"
    if let fpr = v.signature.fingerprint { signature += " by \(fpr)" }
    if let uid = v.signature.userID { signature += " \(uid)" }
    if let matches = v.signature.matchesFrom { signature += matches ? " (matches From)" : " (does NOT match From)" }
    lines.append(signature)
    for other in v.otherSignatures { lines.append("             also: \(other.status) \(other.fingerprint) \(other.userID ?? "")") }
    lines.append("Flags:       \(v.flags.isEmpty ? "none" : v.flags.sorted().map(\.rawValue).joined(separator: ", "))")
    for part in v.parts {
      lines.append("  part \(part.path) \(part.contentType): \(part.encrypted ? "encrypted" : "NOT encrypted"), \(part.signed ? "signed" : "not signed")")
    }
    let offer = reading.keyOffer
    for fpr in offer.imported { lines.append("Key:         \(fpr.hex) imported into the reporters' keyring") }
    for fpr in offer.wouldImport { lines.append("Key:         \(fpr.hex) would be imported (run with --import-keys to judge with it)") }
    for refusal in Set(offer.refusals).sorted(by: { $0.rawValue < $1.rawValue }) { lines.append("Key refused: \(refusal.explanation)") }
    for attachment in reading.attachments {
      lines.append("  attachment \(attachment.name ?? "(no name)") \(attachment.type) \(attachment.size) bytes\(attachment.encrypted ? ", encrypted" : "")")
    }
    return lines.joined(separator: "\n")
  }
}

/// `inspect --json`: one object with the verdict.
struct InspectionJSON: Encodable {
  struct File: Encodable { let name: String?; let type: String; let size: Int; let encrypted: Bool }
  let outcome: String
  let reason: String?
  let from: String?
  let messageID: String?
  let sha256: String
  let encryption: String
  let encryptionFailure: String?
  let encryptedParts: [String]
  let signature: String
  let signerFingerprint: String?
  let signerUserID: String?
  let signerMatchesFrom: Bool?
  let otherSignatures: [SignerSummary]
  let flags: [String]
  let subject: String
  let protectedSubject: Bool
  let attachments: [File]
  let parts: [PartVerdict]
  let keysImported: [String]
  let keysWouldImport: [String]
  let keysRefused: [String]

  init(_ reading: Reading) {
    let v = reading.verdict
    switch reading.outcome {
    case .report: (outcome, reason) = ("report", nil)
    case .undecryptable(let why): (outcome, reason) = ("undecryptable", why.rawValue)
    case .rejected(let why, _): (outcome, reason) = ("rejected", why)
    }
    from = reading.from?.address
    messageID = reading.messageID
    sha256 = reading.sha256
    encryption = v.encryption.name
    if case .failed(let why) = v.encryption { encryptionFailure = why.rawValue } else { encryptionFailure = nil }
    if case .partial(let paths) = v.encryption { encryptedParts = paths } else { encryptedParts = [] }
    signature = v.signature.name
    signerFingerprint = v.signature.fingerprint
    signerUserID = v.signature.userID
    signerMatchesFrom = v.signature.matchesFrom
    otherSignatures = v.otherSignatures
    flags = v.flags.sorted().map(\.rawValue)
    subject = reading.subject
    protectedSubject = reading.subjectWasProtected
    attachments = reading.attachments.map { File(name: $0.name, type: $0.type, size: $0.size, encrypted: $0.encrypted) }
    parts = v.parts
    keysImported = reading.keyOffer.imported.map(\.hex)
    keysWouldImport = reading.keyOffer.wouldImport.map(\.hex)
    keysRefused = Set(reading.keyOffer.refusals.map(\.rawValue)).sorted()
  }

  enum CodingKeys: String, CodingKey {
    case outcome, reason, from, messageID, sha256, encryption, encryptionFailure, encryptedParts, signature
    case signerFingerprint, signerUserID, signerMatchesFrom, otherSignatures, flags, subject, protectedSubject, attachments, parts
    case keysImported, keysWouldImport, keysRefused
  }

  /// Keys with no value are written as null, not left out: scripts can rely on every key.
  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(outcome, forKey: .outcome)
    try c.encode(reason, forKey: .reason)
    try c.encode(from, forKey: .from)
    try c.encode(messageID, forKey: .messageID)
    try c.encode(sha256, forKey: .sha256)
    try c.encode(encryption, forKey: .encryption)
    try c.encode(encryptionFailure, forKey: .encryptionFailure)
    try c.encode(encryptedParts, forKey: .encryptedParts)
    try c.encode(signature, forKey: .signature)
    try c.encode(signerFingerprint, forKey: .signerFingerprint)
    try c.encode(signerUserID, forKey: .signerUserID)
    try c.encode(signerMatchesFrom, forKey: .signerMatchesFrom)
    try c.encode(otherSignatures, forKey: .otherSignatures)
    try c.encode(flags, forKey: .flags)
    try c.encode(subject, forKey: .subject)
    try c.encode(protectedSubject, forKey: .protectedSubject)
    try c.encode(keysImported, forKey: .keysImported)
    try c.encode(keysWouldImport, forKey: .keysWouldImport)
    try c.encode(keysRefused, forKey: .keysRefused)
    try c.encode(attachments, forKey: .attachments)
    try c.encode(parts, forKey: .parts)
  }
}
