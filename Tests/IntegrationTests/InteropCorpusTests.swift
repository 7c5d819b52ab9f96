import Foundation
import MeldpuntTesting
import Testing

/// Every message of ../shared/interop (real mail clients' OpenPGP mail) through
/// `meldpunt inspect` and through the real pipeline, against the verdicts in
/// Fixtures/interop-expected.tsv.
@Suite("Interop corpus", .serialized)
struct InteropCorpusTests {
  struct Expectation: Sendable, CustomStringConvertible {
    let file: String
    let encryption: String
    let failure: String?
    let signature: String
    let signer: String?
    let matchesFrom: Bool?
    let requiredFlags: [String]
    let forbiddenFlags: [String]
    let subject: String?
    let subjectProtected: Bool
    var description: String { file }

    /// Differences between this expectation and a verdict as JSON (`inspect --json` or `cases show --json`).
    func mismatches(encryption actual: String?, failure actualFailure: String?, signature actualSignature: String?,
                    signer actualSigner: String?, matchesFrom actualMatches: Bool?, flags: [String],
                    subject actualSubject: String?, protected: Bool?) -> [String] {
      var problems: [String] = []
      if actual != encryption { problems.append("encryption \(actual ?? "nil") ≠ \(encryption)") }
      if let failure, actualFailure != failure { problems.append("failure \(actualFailure ?? "nil") ≠ \(failure)") }
      if actualSignature != signature { problems.append("signature \(actualSignature ?? "nil") ≠ \(signature)") }
      if let signer, !(actualSigner ?? "").uppercased().hasPrefix(signer) { problems.append("signer \(actualSigner ?? "nil") ≠ \(signer)…") }
      if let matchesFrom, actualMatches != matchesFrom { problems.append("signerMatchesFrom \(String(describing: actualMatches)) ≠ \(matchesFrom)") }
      for flag in requiredFlags where !flags.contains(flag) { problems.append("missing flag \(flag)") }
      for flag in forbiddenFlags where flags.contains(flag) { problems.append("unexpected flag \(flag)") }
      if let subject, actualSubject != subject { problems.append("subject \(actualSubject ?? "nil") ≠ \(subject)") }
      if let protected, subject != nil, protected != subjectProtected { problems.append("protectedSubject \(protected) ≠ \(subjectProtected)") }
      return problems
    }
  }

  static let corpus: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.deletingLastPathComponent().appendingPathComponent("shared/interop").path
  }()

  static let expectations: [Expectation] = {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/interop-expected.tsv").path
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").dropFirst(0).compactMap { line -> Expectation? in
      if line.hasPrefix("#") || line.hasPrefix("file\t") { return nil }
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard f.count == 7 else { return nil }
      let enc = f[1].split(separator: ":").map(String.init)
      let flags = f[5] == "-" ? [] : f[5].split(separator: ",").map(String.init)
      let subject = f[6] == "-" ? nil : f[6]
      return Expectation(file: f[0], encryption: enc[0], failure: enc.count > 1 ? enc[1] : nil, signature: f[2],
                         signer: f[3] == "-" ? nil : f[3], matchesFrom: f[4] == "-" ? nil : f[4] == "true",
                         requiredFlags: flags.filter { !$0.hasPrefix("!") }, forbiddenFlags: flags.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) },
                         subject: subject.map { $0.hasSuffix("*") ? String($0.dropLast()) : $0 },
                         subjectProtected: subject?.hasSuffix("*") ?? false)
    }
  }()

  /// Imports every key of the corpus into `home`.
  static func importCorpusKeys(into home: GnuPGHome) throws {
    let fm = FileManager.default
    for source in try fm.contentsOfDirectory(atPath: corpus) where fm.fileExists(atPath: "\(corpus)/\(source)/keys") {
      for key in try fm.contentsOfDirectory(atPath: "\(corpus)/\(source)/keys") where key.hasSuffix(".asc") {
        try home.importKeys(file: "\(corpus)/\(source)/keys/\(key)")
      }
    }
  }

  @Test("The expectations cover every row of MANIFEST.tsv")
  func coversTheManifest() throws {
    let manifest = try String(contentsOfFile: Self.corpus + "/MANIFEST.tsv", encoding: .utf8)
      .split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }
    #expect(manifest.count == 51)
    #expect(Set(manifest) == Set(Self.expectations.map(\.file)))
  }

  @Test("meldpunt inspect judges every message as expected")
  func inspectEveryMessage() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    try Self.importCorpusKeys(into: home)
    let binary = GatewaySetup.locateBinary()
    var passed = 0
    var failed: [String] = []
    for expectation in Self.expectations {
      let result = try Command.run(binary, ["inspect", "--gnupghome", home.path, "--json", "\(Self.corpus)/\(expectation.file)"])
      guard result.status == 0, let json = try? JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any] else {
        failed.append("\(expectation.file): exit \(result.status) \(result.stderr)")
        continue
      }
      let problems = expectation.mismatches(
        encryption: json["encryption"] as? String, failure: json["encryptionFailure"] as? String,
        signature: json["signature"] as? String, signer: json["signerFingerprint"] as? String,
        matchesFrom: json["signerMatchesFrom"] as? Bool, flags: json["flags"] as? [String] ?? [],
        subject: json["subject"] as? String, protected: json["protectedSubject"] as? Bool)
      if problems.isEmpty { passed += 1 } else { failed.append("\(expectation.file): \(problems.joined(separator: "; "))") }
    }
    print("interop (inspect): \(passed) passed, \(failed.count) failed")
    for line in failed { print("  ✘ \(line)") }
    #expect(failed.isEmpty, "\(failed.joined(separator: "\n"))")
    #expect(passed == 51)
  }

  @Test("The pipeline turns every message into the expected case or quarantine entry")
  func pipelineEveryMessage() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    try Self.importCorpusKeys(into: environment.gatewayHome)
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary())
    var passed = 0
    var failed: [String] = []
    var quarantined = 0
    var cases = 0
    for expectation in Self.expectations {
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.corpus)/\(expectation.file)")))
      try environment.dovecot.append(bytes)
      let run = try gateway.run(["process", "--once"])
      guard run.status == 0 else {
        failed.append("\(expectation.file): process exit \(run.status): \(run.stderr.suffix(300))")
        continue
      }
      if expectation.encryption == "failed" {
        let listed = try gateway.run(["cases", "list", "--json"])
        let count = (try JSONSerialization.jsonObject(with: Data(listed.stdout)) as? [[String: Any]])?.count ?? -1
        quarantined += 1
        let inQuarantine = try environment.dovecot.messages(in: "Quarantine").count
        if count == cases && inQuarantine == quarantined { passed += 1 }
        else { failed.append("\(expectation.file): expected quarantine, got \(count - cases) new case(s), \(inQuarantine) in Quarantine") }
        continue
      }
      let listed = try gateway.run(["cases", "list", "--json"])
      let all = (try JSONSerialization.jsonObject(with: Data(listed.stdout)) as? [[String: Any]]) ?? []
      guard all.count == cases + 1, let id = all.last?["id"] as? String else {
        failed.append("\(expectation.file): expected one new case, have \(all.count - cases)")
        cases = all.count
        continue
      }
      cases += 1
      let shown = try gateway.run(["cases", "show", id, "--json"])
      let detail = (try JSONSerialization.jsonObject(with: Data(shown.stdout)) as? [String: Any]) ?? [:]
      let verdict = detail["verdict"] as? [String: Any] ?? [:]
      let problems = expectation.mismatches(
        encryption: verdict["encryption"] as? String, failure: verdict["encryptionFailure"] as? String,
        signature: verdict["signature"] as? String, signer: verdict["signerFingerprint"] as? String,
        matchesFrom: verdict["signerMatchesFrom"] as? Bool, flags: verdict["flags"] as? [String] ?? [],
        subject: detail["title"] as? String, protected: nil)
      if problems.isEmpty { passed += 1 } else { failed.append("\(expectation.file): \(problems.joined(separator: "; "))") }
    }
    print("interop (pipeline): \(passed) passed, \(failed.count) failed")
    for line in failed { print("  ✘ \(line)") }
    #expect(failed.isEmpty, "\(failed.joined(separator: "\n"))")
    #expect(try environment.dovecot.messages(in: "INBOX").isEmpty)
    #expect(try environment.dovecot.messages(in: "Processed").count == cases)
  }
}
