import Foundation
import MeldpuntTesting
import OpenPGP
import Testing

/// GPGME against real gpg key homes.
@Suite struct OpenPGPEngineTests {
  /// A gateway home with security@example.org and a reporter home that knows its public key.
  struct Homes {
    let gateway: GnuPGHome
    let gatewayKey: String
    let reporter: GnuPGHome
    let reporterKey: String

    init(passphrase: String? = nil) throws {
      gateway = try GnuPGHome.make()
      gatewayKey = try gateway.generateKey(name: "Gateway", email: "security@example.org", passphrase: passphrase)
      reporter = try GnuPGHome.make()
      reporterKey = try reporter.generateKey(name: "Rita", email: "rita@reporter.example")
      try reporter.importKeys(gateway.exportPublic(gatewayKey))
    }
  }

  @Test func decryptsAndVerifiesASignedEncryptedMessage() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    try homes.gateway.importKeys(homes.reporter.exportPublic(homes.reporterKey))
    let ciphertext = try homes.reporter.encrypt(Array("secret finding".utf8), to: [homes.gatewayKey], signer: homes.reporterKey)
    let engine = OpenPGPEngine(home: homes.gateway.path, passphrase: nil)
    let result = try await engine.decrypt(ciphertext)
    #expect(result.plaintext == Array("secret finding".utf8))
    let signature = try #require(result.signatures.first)
    #expect(signature.status == .valid)
    #expect(signature.fingerprint == Fingerprint(homes.reporterKey))
    #expect(signature.hasAddress("Rita@Reporter.example"))
  }

  @Test func aSignatureByAnUnknownKeyIsReportedAsSuch() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let ciphertext = try homes.reporter.encrypt(Array("x".utf8), to: [homes.gatewayKey], signer: homes.reporterKey)
    let result = try await OpenPGPEngine(home: homes.gateway.path, passphrase: nil).decrypt(ciphertext)
    #expect(result.signatures.map(\.status) == [.unknownKey])
    #expect(result.signatures.first?.fingerprint.map { Fingerprint(homes.reporterKey).matches($0) } == true)
  }

  @Test func ciphertextForAnotherKeyIsNoSecretKey() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let ciphertext = try homes.reporter.encrypt(Array("x".utf8), to: [homes.reporterKey])
    await #expect(throws: OpenPGPError.decryptionFailed(.noSecretKey)) {
      try await OpenPGPEngine(home: homes.gateway.path, passphrase: nil).decrypt(ciphertext)
    }
  }

  @Test func garbageIsCorrupt() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let armored = Array("-----BEGIN PGP MESSAGE-----\n\nbm90IGEgbWVzc2FnZQ==\n-----END PGP MESSAGE-----\n".utf8)
    await #expect(throws: OpenPGPError.decryptionFailed(.corrupt)) {
      try await OpenPGPEngine(home: homes.gateway.path, passphrase: nil).decrypt(armored)
    }
  }

  @Test func signsWithAPassphraseProtectedKeyAndGpgAgrees() async throws {
    let homes = try Homes(passphrase: "correct horse")
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let data = Array("Content-Type: text/plain\r\n\r\nhello\r\n".utf8)
    let signature = try await OpenPGPEngine(home: homes.gateway.path, passphrase: "correct horse").signDetached(data, signer: homes.gatewayKey)
    #expect(signature.micalg.hasPrefix("pgp-sha"))
    let verified = try homes.reporter.verifyDetached(signedBytes: data, signature: signature.armored)
    #expect(verified.good)
    #expect(verified.fingerprint == homes.gatewayKey)
    // And GPGME's own verification agrees.
    let reporterEngine = OpenPGPEngine(home: homes.reporter.path, passphrase: nil)
    let checks = try await reporterEngine.verifyDetached(signedBytes: data, signature: signature.armored)
    #expect(checks.map(\.status) == [.valid])
    let tampered = try await reporterEngine.verifyDetached(signedBytes: data + [0x41], signature: signature.armored)
    #expect(tampered.map(\.status) == [.bad])
  }

  @Test func aWrongPassphraseIsAnAdminError() async throws {
    let homes = try Homes(passphrase: "correct horse")
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    await #expect(throws: OpenPGPError.passphraseRejected) {
      try await OpenPGPEngine(home: homes.gateway.path, passphrase: "wrong").signDetached([1, 2, 3], signer: homes.gatewayKey)
    }
  }

  @Test func importsAndListsKeys() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let engine = OpenPGPEngine(home: homes.gateway.path, passphrase: nil)
    let imported = try await engine.importKeys(try homes.reporter.exportPublic(homes.reporterKey))
    #expect(imported == [Fingerprint(homes.reporterKey)])
    let secret = try await engine.keys(secret: true)
    #expect(secret.map(\.fingerprint) == [Fingerprint(homes.gatewayKey)])
    #expect(secret.first?.canSign == true)
    #expect(secret.first?.emails == ["security@example.org"])
  }

  /// Key listings are remembered between operations, but never past a change that
  /// another process (`gpg`, `meldpunt keys import`) makes to the key home.
  @Test func rememberedKeysFollowChangesMadeByOtherProcesses() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let engine = OpenPGPEngine(home: homes.gateway.path, passphrase: nil)
    #expect(try await engine.keys(matching: "<rita@reporter.example>").isEmpty)
    try homes.gateway.importKeys(homes.reporter.exportPublic(homes.reporterKey))
    let found = try await engine.keys(matching: "<rita@reporter.example>")
    #expect(found.map(\.fingerprint) == [Fingerprint(homes.reporterKey)])
    #expect(found.first?.revoked == false)

    // Revoked by its owner (the certificate gpg made with the key), imported by another process.
    let certificate = try String(contentsOfFile: "\(homes.reporter.path)/openpgp-revocs.d/\(homes.reporterKey).rev", encoding: .utf8)
    let revoked = try homes.gateway.gpg(["--import"], stdin: Array(certificate.replacingOccurrences(of: ":-----BEGIN", with: "-----BEGIN").utf8))
    #expect(revoked.status == 0, "gpg --import: \(revoked.stderr)")
    #expect(try await engine.keys(matching: "<rita@reporter.example>").first?.revoked == true)

    // Deleted by another process: gone for the engine too, also for encryption.
    let deleted = try homes.gateway.gpg(["--batch", "--yes", "--delete-keys", homes.reporterKey])
    #expect(deleted.status == 0, "gpg --delete-keys: \(deleted.stderr)")
    #expect(try await engine.keys(matching: "<rita@reporter.example>").isEmpty)
    await #expect(throws: OpenPGPError.self) {
      _ = try await engine.encryptAndSign([1, 2, 3], to: [homes.reporterKey], signer: homes.gatewayKey)
    }
  }

  /// gpg re-checks a key's self-signatures on every run unless the keyring remembers the
  /// result (a "ring trust" packet after each signature in pubring.kbx: 0xB0, length 6,
  /// trust value, signature cache flags, "gpg", 0; bit 0 of the flags: checked). A new key
  /// must leave every one marked checked, with its expiry as asked.
  @Test(arguments: [(KeyAlgorithm.ed25519, 0), (KeyAlgorithm.rsa3072, 10 * 86_400)])
  func aGeneratedKeyLeavesItsSignaturesChecked(algorithm: KeyAlgorithm, lifetime: Int) async throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let engine = OpenPGPEngine(home: home.path, passphrase: nil)
    let fingerprint = try await engine.generateKey(userID: "Gateway <security@example.org>", algorithm: algorithm, lifetime: lifetime)
    let keyring = try Array(Data(contentsOf: URL(fileURLWithPath: "\(home.path)/pubring.kbx")))
    var cacheFlags: [UInt8] = []
    for start in keyring.indices.dropLast(8)
    where keyring[start] == 0xB0 && keyring[start + 1] == 6 && Array(keyring[start + 4 ..< start + 8]) == Array("gpg\0".utf8) {
      cacheFlags.append(keyring[start + 3])
    }
    #expect(cacheFlags.count >= 2, "no signature cache entries found in pubring.kbx")
    #expect(cacheFlags.allSatisfy { $0 & 1 == 1 }, "unchecked signatures: \(cacheFlags)")
    let key = try #require(try await engine.keys(secret: true).first { $0.fingerprint == fingerprint })
    if lifetime == 0 {
      #expect(key.expiresAt == nil)
    } else {
      let expires = try #require(key.expiresAt)
      #expect(abs(expires.timeIntervalSinceNow - Double(lifetime)) < 120)
    }
    #expect(key.canSign && key.canEncrypt)
  }
}
