import Foundation
import MeldpuntTesting
import OpenPGP
import Testing

/// The `meldpunt-gpgme` host against GPGME in this process: the same verdicts, errors and
/// output for every operation that goes through it.
@Suite struct GPGMEHostTests {
  typealias Homes = OpenPGPEngineTests.Homes

  /// The engine through the host (which `swift build` puts beside the test binary) and in process.
  static func engines(_ home: GnuPGHome, passphrase: String? = nil) throws -> (hosted: OpenPGPEngine, inProcess: OpenPGPEngine) {
    let host = try #require(OpenPGPEngine.defaultHost, "meldpunt-gpgme is not built beside the tests")
    return (OpenPGPEngine(home: home.path, passphrase: passphrase, hostExecutable: host),
            OpenPGPEngine(home: home.path, passphrase: passphrase, hostExecutable: nil))
  }

  static func outcome(_ body: () async throws(OpenPGPError) -> Decryption) async -> String {
    do {
      let result = try await body()
      return "plaintext \(result.plaintext.count) bytes, MIME \(result.isMIME), file \(result.fileName ?? "-"), "
        + "signatures \(result.signatures.map { "\($0.status) \($0.fingerprint?.hex ?? "-") \($0.emails) \($0.hashAlgorithm) \($0.keyBits)" })"
    } catch {
      return "error \(error)"
    }
  }

  @Test("Decryption gives the same result through the host and in this process, good or bad")
  func decryptionAgrees() async throws {
    let homes = try Homes(passphrase: "host passphrase")
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    try homes.gateway.importKeys(homes.reporter.exportPublic(homes.reporterKey))
    let (hosted, inProcess) = try Self.engines(homes.gateway, passphrase: "host passphrase")
    let big = Array(repeating: UInt8(ascii: "x"), count: 3 << 20)  // past the pipes' size: written by a thread
    let messages: [(String, [UInt8], Int)] = [
      ("signed", try homes.reporter.encrypt(Array("secret finding".utf8), to: [homes.gatewayKey], signer: homes.reporterKey), 1 << 20),
      ("unsigned", try homes.reporter.encrypt(Array("x".utf8), to: [homes.gatewayKey]), 1 << 20),
      ("other key", try homes.reporter.encrypt(Array("x".utf8), to: [homes.reporterKey]), 1 << 20),
      ("garbage", Array("-----BEGIN PGP MESSAGE-----\n\nbm90IGEgbWVzc2FnZQ==\n-----END PGP MESSAGE-----\n".utf8), 1 << 20),
      ("large", try homes.reporter.encrypt(big, to: [homes.gatewayKey], signer: homes.reporterKey), 8 << 20),
      ("over the limit", try homes.reporter.encrypt(big, to: [homes.gatewayKey]), 1 << 20),
    ]
    for (name, ciphertext, limit) in messages {
      let viaHost = await Self.outcome { () throws(OpenPGPError) in try await hosted.decrypt(ciphertext, limit: limit) }
      let here = await Self.outcome { () throws(OpenPGPError) in try await inProcess.decrypt(ciphertext, limit: limit) }
      #expect(viaHost == here, "\(name)")
    }
    let large = try await hosted.decrypt(messages[4].1, limit: 8 << 20)
    #expect(large.plaintext == big)
    await #expect(throws: OpenPGPError.plaintextTooLarge(limit: 1 << 20)) { try await hosted.decrypt(messages[5].1, limit: 1 << 20) }
    await #expect(throws: OpenPGPError.passphraseRejected) {
      try await OpenPGPEngine(home: homes.gateway.path, passphrase: "wrong", hostExecutable: hosted.hostExecutable).decrypt(messages[1].1)
    }
  }

  @Test("Signatures made through the host verify with gpg; verification agrees with this process")
  func signingAndVerificationAgree() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    try homes.gateway.importKeys(homes.reporter.exportPublic(homes.reporterKey))
    let (hosted, inProcess) = try Self.engines(homes.gateway)
    let text = Array("Content-Type: text/plain\r\n\r\nacknowledgement\r\n".utf8)
    let signature = try await hosted.signDetached(text, signer: homes.gatewayKey)
    #expect(signature.signer == Fingerprint(homes.gatewayKey))
    #expect(signature.micalg == "pgp-sha256" || signature.micalg == "pgp-sha512")
    #expect(try homes.reporter.verifyDetached(signedBytes: text, signature: signature.armored).good)
    #expect(try await hosted.verifyDetached(signedBytes: text, signature: signature.armored)
            == inProcess.verifyDetached(signedBytes: text, signature: signature.armored))
    #expect(try await hosted.verifyDetached(signedBytes: text + [0x20], signature: signature.armored).map(\.status) == [.bad])

    let inline = try homes.reporter.gpg(["--clearsign", "--local-user", homes.reporterKey], stdin: Array("inline report\n".utf8)).stdout
    let viaHost = try await hosted.verifyInline(inline)
    let here = try await inProcess.verifyInline(inline)
    #expect(viaHost.plaintext == here.plaintext && viaHost.signatures == here.signatures)
    #expect(viaHost.signatures.map(\.status) == [.valid])

    let sealed = try await hosted.encryptAndSign(Array("to the reporter".utf8), to: [homes.reporterKey], signer: homes.gatewayKey)
    #expect(try homes.reporter.decrypt(sealed).plaintext == Array("to the reporter".utf8))
    await #expect(throws: OpenPGPError.signingKeyUnusable("nobody@example.org")) {
      try await hosted.signDetached(text, signer: "nobody@example.org")
    }
  }

  @Test("A host that dies is replaced, and the operation still succeeds")
  func aHostThatDiesIsReplaced() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let (hosted, _) = try Self.engines(homes.gateway)
    let ciphertext = try homes.reporter.encrypt(Array("x".utf8), to: [homes.gatewayKey])
    #expect(try await hosted.decrypt(ciphertext).plaintext == Array("x".utf8))
    let before = try Self.hosts(of: homes.gateway)
    #expect(!before.isEmpty)
    for pid in before { kill(pid, SIGKILL) }
    #expect(try await hosted.decrypt(ciphertext).plaintext == Array("x".utf8))
    let after = try Self.hosts(of: homes.gateway)
    #expect(!after.isEmpty && Set(after).isDisjoint(with: before))
  }

  @Test("A host from another build is refused with a message for the admin, not misread")
  func aHostFromAnotherBuildIsRefused() async throws {
    let homes = try Homes()
    defer { homes.gateway.killAgent(); homes.reporter.killAgent() }
    let impostor = homes.gateway.path + "/old-meldpunt-gpgme"
    try Data("#!/bin/sh\nprintf '\\005\\000\\000\\000hello'\ncat >/dev/null\n".utf8).write(to: URL(fileURLWithPath: impostor))
    #expect(chmod(impostor, 0o700) == 0)
    let engine = OpenPGPEngine(home: homes.gateway.path, passphrase: nil, hostExecutable: impostor)
    let ciphertext = try homes.reporter.encrypt(Array("x".utf8), to: [homes.gatewayKey])
    do {
      _ = try await engine.decrypt(ciphertext)
      Issue.record("a host that greets with \"hello\" was used")
    } catch {
      guard case .engineUnavailable(let detail) = error else { Issue.record("\(error)"); return }
      #expect(detail.contains("\"hello\"") && detail.contains("same build"), "\(detail)")
    }
  }

  /// The pids of this process's hosts for `home`.
  static func hosts(of home: GnuPGHome) throws -> [pid_t] {
    let listing = try Command.run("/usr/bin/pgrep", ["-P", "\(getpid())", "-f", "meldpunt-gpgme \(home.path)$"])
    return listing.stdoutText.split(whereSeparator: \.isNewline).compactMap { pid_t($0) }
  }
}
