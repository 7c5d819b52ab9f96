import Foundation
import MeldpuntTesting
import OpenPGP
import Testing

/// The pure-Swift packet parser against keys and messages made by real gpg.
@Suite struct PacketTests {
  // MARK: - Fingerprints, algorithms, user IDs

  @Test(arguments: [GnuPGHome.KeyAlgorithm.ed25519, .rsa3072])
  func fingerprintsAndAlgorithmsMatchGPG(_ algorithm: GnuPGHome.KeyAlgorithm) throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let fpr = try home.generateKey(name: "Fay", email: "fay@example.org", algorithm: algorithm)
    let listed = try Self.listedFingerprints(home, fpr)
    #expect(listed.primary == fpr)
    let (primaryAlgorithm, subkeyAlgorithm): (PublicKeyAlgorithm, PublicKeyAlgorithm) =
      switch algorithm {
      case .ed25519: (.eddsa(curve: "Ed25519"), .ecdh(curve: "Curve25519"))
      case .rsa3072: (.rsa(bits: 3072), .rsa(bits: 3072))
      }
    let armoredPublic = try home.exportPublic(fpr)
    let binaryPublic = try Self.gpg(home, ["--export", fpr])
    let binarySecret = try Self.gpg(home, ["--export-secret-keys", fpr])
    let exports: [(name: String, data: [UInt8], secret: Bool)] = [
      ("armored public", armoredPublic, false),
      ("binary public", binaryPublic, false),
      ("armored secret", try home.exportSecret(fpr), true),
      ("binary secret", binarySecret, true),
    ]
    for export in exports {
      let keys = try KeyMaterial.keys(in: export.data)
      try #require(keys.count == 1, "\(export.name)")
      let key = keys[0]
      #expect(key.fingerprint == Fingerprint(fpr), "\(export.name)")
      #expect(key.version == 4, "\(export.name)")
      #expect(key.algorithm == primaryAlgorithm, "\(export.name)")
      #expect(key.isSecret == export.secret, "\(export.name)")
      #expect(key.subkeys.map(\.fingerprint) == listed.subkeys.map { Fingerprint($0) }, "\(export.name)")
      #expect(key.subkeys.map(\.algorithm) == [subkeyAlgorithm], "\(export.name)")
      #expect(key.subkeys.map(\.isSecret) == [export.secret], "\(export.name)")
      #expect(key.subkeys.allSatisfy { $0.isBound && !$0.isRevoked && $0.expires == nil }, "\(export.name)")
      #expect(key.userIDs.map(\.text) == ["Fay <fay@example.org>"], "\(export.name)")
      #expect(key.weakness == nil, "\(export.name)")
    }

    #expect(KeyData.primaryFingerprint(binaryPublic) == Fingerprint(fpr))
    // As before the parser was shared: binary public keys only.
    #expect(KeyData.primaryFingerprint(armoredPublic) == nil)
    #expect(KeyData.primaryFingerprint(binarySecret) == nil)
    #expect(KeyData.primaryFingerprint([]) == nil)
    #expect(KeyData.primaryFingerprint(Array(binaryPublic.prefix(20))) == nil)
  }

  @Test func userIDsCarryTheHashesOfTheirOwnSelfSignatures() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let fpr = try home.generateKey(name: "Alice", email: "alice@example.org")
    try Self.gpg(home, ["--cert-digest-algo", "SHA1", "--quick-add-uid", fpr, "Alice Old <alice@old.example>"])
    try Self.gpg(home, ["--quick-add-uid", fpr, "Zoë Ünïcode <zoe@example.org>"])
    // A certification by another key (SHA-256, on every user ID) is no self-signature.
    let carol = try home.generateKey(name: "Carol", email: "carol@example.org")
    try Self.gpg(home, ["--local-user", carol, "--quick-sign-key", fpr])

    let key = try #require(try KeyMaterial.keys(in: try home.exportPublic(fpr)).first)
    let hashes = Dictionary(key.userIDs.map { ($0.text, $0.selfSignatureHashes) }, uniquingKeysWith: +)
    #expect(Set(hashes.keys) == ["Alice <alice@example.org>", "Alice Old <alice@old.example>", "Zoë Ünïcode <zoe@example.org>"])
    #expect(hashes["Alice Old <alice@old.example>"] == ["SHA1"])
    let strong: Set = ["SHA256", "SHA384", "SHA512"]
    for text in ["Alice <alice@example.org>", "Zoë Ünïcode <zoe@example.org>"] {
      let own = try #require(hashes[text])
      #expect(!own.isEmpty && own.allSatisfy(strong.contains), "\(text): \(own)")
    }
    // One user ID bound with SHA-1 does not make the key weak while others are bound well.
    #expect(key.weakness == nil)
  }

  // MARK: - Weak keys

  @Test func shortRSAKeysAreFlagged() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    try Self.gpg(home, ["--quick-generate-key", "Weak <weak@example.org>", "rsa1024", "sign", "never"])
    let weakFpr = try Self.listedFingerprints(home, "weak@example.org").primary
    let weak = try #require(try KeyMaterial.keys(in: try home.exportPublic(weakFpr)).first)
    #expect(weak.algorithm == .rsa(bits: 1024))
    #expect(weak.weakness == .shortKey(algorithm: "RSA", bits: 1024))
    #expect(weak.weakness?.description == "RSA 1024 bits (under 2048)")

    // A strong primary key with a short encryption subkey is just as weak: gpg would encrypt to the subkey.
    let fpr = try home.generateKey(name: "Sub", email: "sub@example.org")
    try Self.gpg(home, ["--quick-add-key", fpr, "rsa1024", "encr", "never"])
    let key = try #require(try KeyMaterial.keys(in: try home.exportPublic(fpr)).first)
    #expect(key.algorithm == .eddsa(curve: "Ed25519"))
    #expect(key.subkeys.map(\.algorithm) == [.ecdh(curve: "Curve25519"), .rsa(bits: 1024)])
    #expect(key.weakness == .shortKey(algorithm: "RSA", bits: 1024))
  }

  @Test func anExpiredShortSubkeyIsNoWeaknessOnceExpired() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let past = ["--faked-system-time", "20200101T000000"]
    try Self.gpg(home, past + ["--quick-generate-key", "Exp <exp@example.org>", "ed25519", "sign", "never"])
    let fpr = try Self.listedFingerprints(home, "exp@example.org").primary
    try Self.gpg(home, past + ["--quick-add-key", fpr, "rsa1024", "encr", "1d"])

    let key = try #require(try KeyMaterial.keys(in: try home.exportPublic(fpr)).first)
    let subkey = try #require(key.subkeys.first)
    #expect(subkey.algorithm == .rsa(bits: 1024))
    #expect(subkey.expires == subkey.created.addingTimeInterval(86_400))
    #expect(key.weakness == nil)
    #expect(key.weakness(at: subkey.created.addingTimeInterval(3_600)) == .shortKey(algorithm: "RSA", bits: 1024))
  }

  @Test func sha1OnlySelfSignaturesAreFlagged() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    try Self.gpg(home, ["--cert-digest-algo", "SHA1", "--quick-generate-key", "Old <old@example.org>", "rsa2048", "sign", "never"])
    let fpr = try Self.listedFingerprints(home, "old@example.org").primary
    // Someone else's SHA-256 certification binds nothing on the key's behalf.
    let carol = try home.generateKey(name: "Carol", email: "carol@example.org")
    try Self.gpg(home, ["--local-user", carol, "--quick-sign-key", fpr])

    let key = try #require(try KeyMaterial.keys(in: try home.exportPublic(fpr)).first)
    #expect(key.algorithm == .rsa(bits: 2048))
    #expect(key.userIDs.map(\.text) == ["Old <old@example.org>"])
    #expect(key.userIDs.first?.selfSignatureHashes == ["SHA1"])
    #expect(key.weakness == .weakSelfSignatures(hash: "SHA1"))
    #expect(key.weakness?.description == "only SHA-1 self-signatures")

    // One user ID self-signed with SHA-256 is enough.
    try Self.gpg(home, ["--cert-digest-algo", "SHA256", "--quick-add-uid", fpr, "Old Two <old2@example.org>"])
    let mended = try #require(try KeyMaterial.keys(in: try home.exportPublic(fpr)).first)
    #expect(mended.userIDs.first { $0.text == "Old Two <old2@example.org>" }?.selfSignatureHashes == ["SHA256"])
    #expect(mended.weakness == nil)
  }

  // MARK: - Secret keys

  @Test func secretKeysAreFoundWhereverTheyAre() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let fpr = try home.generateKey(name: "Sam", email: "sam@example.org")
    let armoredPublic = try home.exportPublic(fpr)
    let armoredSecret = try home.exportSecret(fpr)
    let binaryPublic = try Self.gpg(home, ["--export", fpr])
    let binarySecret = try Self.gpg(home, ["--export-secret-keys", fpr])

    #expect(!KeyMaterial.containsSecretKey(armoredPublic))
    #expect(!KeyMaterial.containsSecretKey(binaryPublic))
    #expect(!KeyMaterial.containsSecretKey(try home.encrypt(Array("hello".utf8), to: [fpr])))
    #expect(KeyMaterial.containsSecretKey(armoredSecret))
    #expect(KeyMaterial.containsSecretKey(binarySecret))

    // Appended after the public key, in the same file.
    #expect(KeyMaterial.containsSecretKey(armoredPublic + armoredSecret))
    #expect(KeyMaterial.containsSecretKey(binaryPublic + binarySecret))
    let both = try KeyMaterial.keys(in: armoredPublic + armoredSecret)
    #expect(both.map(\.isSecret) == [false, true])
    #expect(both.map(\.fingerprint) == [Fingerprint(fpr), Fingerprint(fpr)])

    // After junk, and after an armored block that is cut off.
    var junk = Array("Here is my key, sorry about the noise:\n".utf8)
    var generator = SplitMix64(seed: 7)
    junk += (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &generator) } + [0x0A]
    #expect(KeyMaterial.containsSecretKey(junk + armoredSecret))
    let cutPublic = Array(armoredPublic.prefix(armoredPublic.count / 2)) + [0x0A]
    #expect(throws: PacketError.badArmor) { try OpenPGPPackets.parse(cutPublic + armoredSecret) }
    #expect(KeyMaterial.containsSecretKey(cutPublic + armoredSecret))
    // Part of a secret key is still secret.
    #expect(KeyMaterial.containsSecretKey(Array(armoredSecret.prefix(armoredSecret.count / 2))))
    #expect(KeyMaterial.containsSecretKey(Array(binarySecret.prefix(40))))
  }

  // MARK: - Encrypted messages

  @Test func anEncryptedMessageKeepsItsIdentityThroughReencoding() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let alice = try home.generateKey(name: "Alice", email: "alice@example.org")
    let bob = try home.generateKey(name: "Bob", email: "bob@example.org")
    // Random, so that compression cannot make it small: gpg then streams the
    // encrypted data packet with partial body lengths.
    var generator = SplitMix64(seed: 42)
    let plaintext = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let armored = try home.encrypt(plaintext, to: [alice, bob])

    let identity = try #require(EncryptedMessage.identity(armored))
    #expect(identity.count == 64 && identity.allSatisfy { "0123456789abcdef".contains($0) })

    let binary = try Self.gpg(home, ["--dearmor"], stdin: armored)
    #expect(EncryptedMessage.identity(binary) == identity)
    // A line break after the ciphertext, as a mail part may carry, is not ciphertext.
    #expect(EncryptedMessage.identity(binary + [0x0D, 0x0A]) == identity)
    let enarmored = try Self.gpg(home, ["--enarmor"], stdin: binary)
    #expect(String(decoding: enarmored, as: UTF8.self).contains("Comment: "))
    #expect(EncryptedMessage.identity(enarmored) == identity)

    let packets = try OpenPGPPackets.parse(binary)
    #expect(packets.map(\.tag) == [1, 1, 18])
    let definite = packets.flatMap { Self.newFormat($0, .fiveOctets) }
    #expect(definite != binary)
    #expect(EncryptedMessage.identity(definite) == identity)
    #expect(EncryptedMessage.identity(packets.dropFirst().flatMap { Self.newFormat($0, .fiveOctets) }) == identity)
    #expect(EncryptedMessage.identity([packets[1], packets[0], packets[2]].flatMap { Self.newFormat($0, .fiveOctets) }) == identity)
    let rearmored = Self.armor(definite, lineLength: 76, newline: "\r\n", headers: ["Version: Other 1.0", "Comment: forwarded"])
    #expect(EncryptedMessage.identity(rearmored) == identity)

    let again = try home.encrypt(plaintext, to: [alice, bob])
    #expect(EncryptedMessage.identity(again) != identity)
    #expect(EncryptedMessage.identity(again) != nil)

    #expect(EncryptedMessage.identity(try home.exportPublic(alice)) == nil)
    let signed = try Self.gpg(home, ["--armor", "--local-user", alice, "--sign"], stdin: Array("hello".utf8))
    #expect(EncryptedMessage.identity(signed) == nil)
    #expect(EncryptedMessage.identity(Array(binary.prefix(binary.count / 2))) == nil)
  }

  // MARK: - Armor

  @Test func aWrongArmorChecksumIsRefused() throws {
    let home = try GnuPGHome.make()
    defer { home.killAgent() }
    let fpr = try home.generateKey(name: "Cora", email: "cora@example.org")
    let lines = String(decoding: try home.exportPublic(fpr), as: UTF8.self).components(separatedBy: "\n")
    let checksumLine = try #require(lines.firstIndex { $0.hasPrefix("=") && $0.count == 5 })

    var wrongChecksum = lines
    wrongChecksum[checksumLine] = lines[checksumLine] == "=AAAA" ? "=BBBB" : "=AAAA"
    let damaged = Array(wrongChecksum.joined(separator: "\n").utf8)
    #expect(throws: PacketError.armorChecksumMismatch) { try OpenPGPPackets.parse(damaged) }
    #expect(throws: PacketError.armorChecksumMismatch) { try KeyMaterial.keys(in: damaged) }

    // One base64 character changed in the body, still valid base64.
    var changedBody = lines
    let line = Array(changedBody[checksumLine - 2])
    changedBody[checksumLine - 2] = String(line.prefix(10)) + (line[10] == "A" ? "B" : "A") + String(line.dropFirst(11))
    #expect(throws: PacketError.armorChecksumMismatch) { try KeyMaterial.keys(in: Array(changedBody.joined(separator: "\n").utf8)) }

    // The checksum line is optional; without it the key reads.
    var noChecksum = lines
    noChecksum.remove(at: checksumLine)
    #expect(try KeyMaterial.keys(in: Array(noChecksum.joined(separator: "\n").utf8)).map(\.fingerprint) == [Fingerprint(fpr)])
  }

  @Test func armorWithHeadersCRLFAndSeveralBlocksReads() throws {
    let first = OpenPGPPacket(tag: 10, body: Array("PGP".utf8))
    let second = OpenPGPPacket(tag: 11, body: Array(repeating: 0x61, count: 500))
    let blocks =
      Self.armor(Self.newFormat(first, .oneOctet), lineLength: 64, newline: "\r\n", headers: ["Version: Test", "Comment: one"])
      + Array("text between the blocks\n".utf8)
      + Self.armor(Self.newFormat(second, .twoOctets), lineLength: 20, newline: "\n", headers: [], label: "PGP ARMORED FILE")
    #expect(try OpenPGPPackets.parse(Array("Some words first.\n".utf8) + blocks) == [first, second])
  }

  // MARK: - Packet headers

  @Test func everyLengthEncodingReads() throws {
    let bodies: [(tag: UInt8, count: Int)] = [(6, 10), (13, 300), (2, 70_000), (13, 100), (13, 1_000), (17, 9_000), (11, 5_000), (8, 50)]
    let packets = bodies.enumerated().map { index, entry in
      OpenPGPPacket(tag: entry.tag, body: (0..<entry.count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) })
    }
    var stream = Self.oldFormat(packets[0], lengthBytes: 1)
    stream += Self.oldFormat(packets[1], lengthBytes: 2)
    stream += Self.oldFormat(packets[2], lengthBytes: 4)
    stream += Self.newFormat(packets[3], .oneOctet)
    stream += Self.newFormat(packets[4], .twoOctets)
    stream += Self.newFormat(packets[5], .fiveOctets)
    stream += Self.newFormat(packets[6], .partial(power: 9))
    stream += Self.oldFormat(packets[7], lengthBytes: nil)  // indeterminate: to the end
    #expect(try OpenPGPPackets.parse(stream) == packets)
  }

  @Test func hostileInputIsRefusedQuickly() throws {
    let clock = ContinuousClock()
    let start = clock.now
    let oneByteChunks: [UInt8] = [0xE0, 0x41].repeated(100_000)
    let markers: [UInt8] = [0xCA, 0x03, 0x50, 0x47, 0x50].repeated(20_000)
    let refused: [(name: String, data: [UInt8], error: PacketError)] = [
      ("empty", [], .notOpenPGP),
      ("text", Array("hello, this is not a key\n".utf8), .notOpenPGP),
      ("4 GiB new-format length", [0xC6, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3], .truncated),
      ("4 GiB old-format length", [0x9A, 0xFF, 0xFF, 0xFF, 0xFF, 4], .truncated),
      ("1 GiB partial length", [0xCB, 0xFE] + Array(repeating: 0, count: 100), .truncated),
      ("endless one-byte partial chunks", [0xCB] + oneByteChunks, .truncated),
      ("partial length on a key packet", [0xC6, 0xE9] + Array(repeating: 0, count: 600), .badPacketHeader),
      ("reserved tag 0", [0xC0, 0x00], .badPacketHeader),
      ("no packet after the first", [0xCA, 0x03, 0x50, 0x47, 0x50, 0x01], .badPacketHeader),
      ("many packets", markers, .tooManyPackets(limit: 10_000)),
      ("armor without END", Array("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n".utf8), .badArmor),
      ("armor with bad base64", Array("-----BEGIN PGP MESSAGE-----\n\n@@@@\n-----END PGP MESSAGE-----\n".utf8), .badArmor),
      ("armor with mismatched END", Array("-----BEGIN PGP MESSAGE-----\n\nygNQR1A=\n-----END PGP SIGNATURE-----\n".utf8), .badArmor),
    ]
    for entry in refused {
      #expect(throws: entry.error, "\(entry.name)") { try OpenPGPPackets.parse(entry.data) }
      #expect(EncryptedMessage.identity(entry.data) == nil, "\(entry.name)")
      #expect(!KeyMaterial.containsSecretKey(entry.data), "\(entry.name)")
    }
    #expect(throws: PacketError.tooLarge(limit: 4)) { try OpenPGPPackets.parse([0xCA, 0x03, 0x50, 0x47, 0x50], maxBytes: 4) }

    let unreadableKeys: [(name: String, data: [UInt8])] = [
      ("secret key of an unknown algorithm", [0xC5, 0x06, 0x04, 0, 0, 0, 0, 99]),
      ("RSA modulus claiming 65535 bits", [0xC6, 0x08, 0x04, 0, 0, 0, 0, 0x01, 0xFF, 0xFF]),
      ("key version 9", [0xC6, 0x06, 0x09, 0, 0, 0, 0, 27]),
      ("v6 key material longer than the packet", [0xC6, 0x0A, 0x06, 0, 0, 0, 0, 27, 0xFF, 0xFF, 0xFF, 0xFF]),
    ]
    for entry in unreadableKeys {
      #expect(throws: PacketError.unreadableKey, "\(entry.name)") { try KeyMaterial.keys(in: entry.data) }
      #expect(KeyData.primaryFingerprint(entry.data) == nil, "\(entry.name)")
    }

    var generator = SplitMix64(seed: 1)
    var noise = (0..<1_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    noise[0] = 0x99
    #expect(throws: PacketError.self) { try OpenPGPPackets.parse(noise) }
    #expect(throws: PacketError.self) { try KeyMaterial.keys(in: noise) }
    #expect(EncryptedMessage.identity(noise) == nil)
    _ = KeyMaterial.containsSecretKey(noise)
    let emptyBlocks = Array("-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n".utf8).repeated(10_000)
    #expect(try OpenPGPPackets.parse(emptyBlocks).isEmpty)

    #expect(clock.now - start < .seconds(10))
  }

  @Test func errorDescriptionsSayWhatToDoWithoutTheData() {
    let errors: [PacketError] = [
      .notOpenPGP, .truncated, .badArmor, .armorChecksumMismatch, .badPacketHeader,
      .tooManyPackets(limit: 10_000), .tooLarge(limit: 1_024), .unreadableKey,
    ]
    for error in errors {
      #expect(error.description.hasSuffix("."), "\(error)")
      #expect(error.description.count > 40, "\(error)")
    }
  }

  // MARK: - Version 6 keys (RFC 9580 appendix A.3 and A.4; gpg 2.2 cannot make them)

  @Test func version6SampleKeysOfRFC9580() throws {
    let certificate = try #require(try KeyMaterial.keys(in: Array(Self.rfc9580Certificate.utf8)).first)
    #expect(certificate.fingerprint == Fingerprint("CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9"))
    #expect(certificate.version == 6)
    #expect(certificate.algorithm == .ed25519)
    #expect(!certificate.isSecret)
    #expect(certificate.subkeys.map(\.fingerprint) == [Fingerprint("12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885")])
    #expect(certificate.subkeys.map(\.algorithm) == [.x25519])
    #expect(certificate.subkeys.map(\.isBound) == [true])
    #expect(certificate.userIDs.isEmpty)
    #expect(certificate.directKeySignatureHashes == ["SHA512"])
    #expect(certificate.weakness == nil)

    let secret = try #require(try KeyMaterial.keys(in: Array(Self.rfc9580SecretKey.utf8)).first)
    #expect(secret.isSecret)
    #expect(secret.subkeys.map(\.isSecret) == [true])
    #expect(secret.fingerprint == certificate.fingerprint)
    #expect(secret.subkeys.map(\.fingerprint) == certificate.subkeys.map(\.fingerprint))
    let binaryCertificate = try OpenPGPPackets.parse(Array(Self.rfc9580Certificate.utf8)).flatMap { Self.newFormat($0, .fiveOctets) }
    #expect(try KeyMaterial.keys(in: binaryCertificate).map(\.fingerprint) == [certificate.fingerprint])
    // The gateway's gpg 2.2 imports no v6 key, so there is nothing to name.
    #expect(KeyData.primaryFingerprint(binaryCertificate) == nil)
    #expect(KeyMaterial.containsSecretKey(Array(Self.rfc9580SecretKey.utf8)))
    #expect(!KeyMaterial.containsSecretKey(Array(Self.rfc9580Certificate.utf8)))
  }

  static let rfc9580Certificate = """
    -----BEGIN PGP PUBLIC KEY BLOCK-----

    xioGY4d/4xsAAAAg+U2nu0jWCmHlZ3BqZYfQMxmZu52JGggkLq2EVD34laPCsQYf
    GwoAAABCBYJjh3/jAwsJBwUVCg4IDAIWAAKbAwIeCSIhBssYbE8GCaaX5NUt+mxy
    KwwfHifBilZwj2Ul7Ce62azJBScJAgcCAAAAAK0oIBA+LX0ifsDm185Ecds2v8lw
    gyU2kCcUmKfvBXbAf6rhRYWzuQOwEn7E/aLwIwRaLsdry0+VcallHhSu4RN6HWaE
    QsiPlR4zxP/TP7mhfVEe7XWPxtnMUMtf15OyA51YBM4qBmOHf+MZAAAAIIaTJINn
    +eUBXbki+PSAld2nhJh/LVmFsS+60WyvXkQ1wpsGGBsKAAAALAWCY4d/4wKbDCIh
    BssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce62azJAAAAAAQBIKbpGG2dWTX8
    j+VjFM21J0hqWlEg+bdiojWnKfA5AQpWUWtnNwDEM0g12vYxoWM8Y81W+bHBw805
    I8kWVkXU6vFOi+HWvv/ira7ofJu16NnoUkhclkUrk0mXubZvyl4GBg==
    -----END PGP PUBLIC KEY BLOCK-----

    """

  /// The RFC's published, unprotected sample secret key: no secret of anyone's.
  static let rfc9580SecretKey = """
    -----BEGIN PGP PRIVATE KEY BLOCK-----

    xUsGY4d/4xsAAAAg+U2nu0jWCmHlZ3BqZYfQMxmZu52JGggkLq2EVD34laMAGXKB
    exK+cH6NX1hs5hNhIB00TrJmosgv3mg1ditlsLfCsQYfGwoAAABCBYJjh3/jAwsJ
    BwUVCg4IDAIWAAKbAwIeCSIhBssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce6
    2azJBScJAgcCAAAAAK0oIBA+LX0ifsDm185Ecds2v8lwgyU2kCcUmKfvBXbAf6rh
    RYWzuQOwEn7E/aLwIwRaLsdry0+VcallHhSu4RN6HWaEQsiPlR4zxP/TP7mhfVEe
    7XWPxtnMUMtf15OyA51YBMdLBmOHf+MZAAAAIIaTJINn+eUBXbki+PSAld2nhJh/
    LVmFsS+60WyvXkQ1AE1gCk95TUR3XFeibg/u/tVY6a//1q0NWC1X+yui3O24wpsG
    GBsKAAAALAWCY4d/4wKbDCIhBssYbE8GCaaX5NUt+mxyKwwfHifBilZwj2Ul7Ce6
    2azJAAAAAAQBIKbpGG2dWTX8j+VjFM21J0hqWlEg+bdiojWnKfA5AQpWUWtnNwDE
    M0g12vYxoWM8Y81W+bHBw805I8kWVkXU6vFOi+HWvv/ira7ofJu16NnoUkhclkUr
    k0mXubZvyl4GBg==
    -----END PGP PRIVATE KEY BLOCK-----

    """

  // MARK: - Helpers

  /// Runs gpg with an empty passphrase and returns its output; a failure fails the test.
  @discardableResult
  static func gpg(_ home: GnuPGHome, _ args: [String], stdin: [UInt8]? = nil) throws -> [UInt8] {
    let result = try home.gpg(["--pinentry-mode", "loopback", "--passphrase", "", "--yes"] + args, stdin: stdin)
    try #require(result.status == 0, "gpg \(args.joined(separator: " ")) exited with \(result.status)")
    return result.stdout
  }

  /// The primary and subkey fingerprints gpg lists for `who`.
  static func listedFingerprints(_ home: GnuPGHome, _ who: String) throws -> (primary: String, subkeys: [String]) {
    let listing = String(decoding: try gpg(home, ["--with-colons", "--fingerprint", "--list-keys", who]), as: UTF8.self)
    var primary: String?
    var subkeys: [String] = []
    var next = ""
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: ":", omittingEmptySubsequences: false)
      switch fields.first {
      case "pub": next = "primary"
      case "sub": next = "subkey"
      case "fpr" where fields.count > 9:
        if next == "primary", primary == nil { primary = String(fields[9]) }
        if next == "subkey" { subkeys.append(String(fields[9])) }
        next = ""
      default: break
      }
    }
    return (try #require(primary), subkeys)
  }

  enum NewLength { case oneOctet, twoOctets, fiveOctets, partial(power: Int) }

  /// `packet` with a new-format header (RFC 9580 §4.2.1).
  static func newFormat(_ packet: OpenPGPPacket, _ length: NewLength) -> [UInt8] {
    var bytes: [UInt8] = [0xC0 | packet.tag]
    var body = packet.body[...]
    switch length {
    case .oneOctet:
      precondition(body.count < 192)
      bytes.append(UInt8(body.count))
    case .twoOctets:
      precondition((192..<8384).contains(body.count))
      bytes += [UInt8((body.count - 192) >> 8 + 192), UInt8((body.count - 192) & 0xFF)]
    case .fiveOctets:
      bytes += [0xFF] + bigEndian(body.count, bytes: 4)
    case .partial(let power):
      while body.count > 1 << power {
        bytes.append(0xE0 | UInt8(power))
        bytes += body.prefix(1 << power)
        body = body.dropFirst(1 << power)
      }
      bytes += [0xFF] + bigEndian(body.count, bytes: 4)
    }
    return bytes + body
  }

  /// `packet` with an old-format header; nil `lengthBytes` for the indeterminate length.
  static func oldFormat(_ packet: OpenPGPPacket, lengthBytes: Int?) -> [UInt8] {
    let lengthType: UInt8 =
      switch lengthBytes {
      case 1: 0
      case 2: 1
      case 4: 2
      default: 3
      }
    return [0x80 | packet.tag << 2 | lengthType] + bigEndian(packet.body.count, bytes: lengthBytes ?? 0) + packet.body
  }

  static func bigEndian(_ value: Int, bytes count: Int) -> [UInt8] {
    (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
  }

  /// ASCII armor without the optional checksum, as some clients write it.
  static func armor(
    _ binary: [UInt8], lineLength: Int, newline: String, headers: [String], label: String = "PGP MESSAGE"
  ) -> [UInt8] {
    let base64 = Array(Data(binary).base64EncodedString())
    var lines = ["-----BEGIN \(label)-----"] + headers + [""]
    lines += stride(from: 0, to: base64.count, by: lineLength).map { String(base64[$0..<min($0 + lineLength, base64.count)]) }
    lines.append("-----END \(label)-----")
    return Array((lines.joined(separator: newline) + newline).utf8)
  }
}

/// A seeded generator, so that "random" test data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension Array {
  func repeated(_ times: Int) -> [Element] { Array(repeatElement(self, count: times).joined()) }
}
