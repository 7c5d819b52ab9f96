import Crypto
import Foundation

/// A key's public-key algorithm, with what decides its strength: the bit length of RSA,
/// DSA and ElGamal keys, the curve of the others
/// ([RFC 9580 §9.1](https://www.rfc-editor.org/rfc/rfc9580#section-9.1)).
public enum PublicKeyAlgorithm: Sendable, Equatable, CustomStringConvertible {
  /// `bits` is the bit count field of the first MPI (RSA n, DSA and ElGamal p).
  case rsa(bits: Int), dsa(bits: Int), elgamal(bits: Int)
  /// `curve` is named from the key's OID ("NIST P-256", "Curve25519", "brainpoolP256r1"…),
  /// or is the OID in dotted form when the curve is not one RFC 9580 or GnuPG names.
  case ecdh(curve: String), ecdsa(curve: String), eddsa(curve: String)
  case x25519, x448, ed25519, ed448
  case unknown(id: UInt8)

  public var description: String {
    switch self {
    case .rsa(let bits): "RSA \(bits)"
    case .dsa(let bits): "DSA \(bits)"
    case .elgamal(let bits): "ElGamal \(bits)"
    case .ecdh(let curve): "ECDH \(curve)"
    case .ecdsa(let curve): "ECDSA \(curve)"
    case .eddsa(let curve): "EdDSA \(curve)"
    case .x25519: "X25519"
    case .x448: "X448"
    case .ed25519: "Ed25519"
    case .ed448: "Ed448"
    case .unknown(let id): "public-key algorithm \(id)"
    }
  }
}

/// What a transferable key ([RFC 9580 §10.1](https://www.rfc-editor.org/rfc/rfc9580#section-10.1))
/// says about itself, read before it is imported anywhere.
///
/// No signature is verified here (that is gpg's job on import): the summary reports what
/// the key claims, which is enough to refuse a key that admits to being weak.
public struct KeySummary: Sendable, Equatable {
  /// The primary key's fingerprint: SHA-1 over the public key for v4, SHA-256 for v5
  /// and v6 (RFC 9580 §5.5.4), MD5 for v3. For a secret key, over its public part.
  public let fingerprint: Fingerprint
  public let version: Int
  public let algorithm: PublicKeyAlgorithm
  public let created: Date
  /// The primary key came as a secret-key packet (tag 5).
  public let isSecret: Bool
  public let subkeys: [SubkeySummary]
  public let userIDs: [UserIDSummary]
  /// Hash algorithms of the primary key's direct-key self-signatures (type 0x1F), which
  /// stand in for user ID self-signatures on a key that has no user ID.
  public let directKeySignatureHashes: [String]

  /// Why gpg should never encrypt to this key now, or nil when nothing is wrong with it.
  public var weakness: KeyWeakness? { weakness(at: Date()) }

  /// Why gpg should never encrypt to this key at `date` (a subkey's expiry depends on it):
  /// a version 3 key; an RSA, DSA or ElGamal primary key or usable subkey under 2048 bits;
  /// or no self-signature on any user ID made with a hash stronger than SHA-1.
  public func weakness(at date: Date) -> KeyWeakness? {
    if version < 4 { return .legacyVersion(version) }
    if let short = Self.shortness(algorithm) { return short }
    for subkey in subkeys where subkey.isUsable(at: date) {
      if let short = Self.shortness(subkey.algorithm) { return short }
    }
    let hashes = userIDs.isEmpty ? directKeySignatureHashes : userIDs.flatMap(\.selfSignatureHashes)
    if hashes.contains(where: { HashNames.strong.contains($0) }) { return nil }
    if let weak = hashes.first(where: { HashNames.weak.contains($0) }) { return .weakSelfSignatures(hash: weak) }
    return .noSelfSignature
  }

  private static func shortness(_ algorithm: PublicKeyAlgorithm) -> KeyWeakness? {
    switch algorithm {
    case .rsa(let bits) where bits < 2048: .shortKey(algorithm: "RSA", bits: bits)
    case .dsa(let bits) where bits < 2048: .shortKey(algorithm: "DSA", bits: bits)
    case .elgamal(let bits) where bits < 2048: .shortKey(algorithm: "ElGamal", bits: bits)
    default: nil
    }
  }
}

/// A subkey of a `KeySummary`, with what decides whether gpg would use it.
public struct SubkeySummary: Sendable, Equatable {
  public let fingerprint: Fingerprint
  public let version: Int
  public let algorithm: PublicKeyAlgorithm
  public let created: Date
  /// The subkey came as a secret-subkey packet (tag 7).
  public let isSecret: Bool
  /// A binding signature (type 0x18) issued by the primary key follows it.
  public let isBound: Bool
  /// A subkey revocation (type 0x28) issued by the primary key follows it.
  public let isRevoked: Bool
  /// When the newest binding signature says the subkey expires; nil for never.
  public let expires: Date?

  /// Whether gpg could pick this subkey at `date`, as far as the key's own claims go.
  public func isUsable(at date: Date) -> Bool {
    isBound && !isRevoked && (expires.map { $0 > date } ?? true)
  }
}

/// A user ID of a `KeySummary` and how the primary key certified it.
public struct UserIDSummary: Sendable, Equatable {
  /// The user ID packet's text, decoded as UTF-8 with invalid bytes replaced.
  public let text: String
  /// Hash algorithm names ("SHA1", "SHA256"…) of the certifications (types 0x10 to 0x13)
  /// issued by the primary key itself, in the order they follow the user ID.
  public let selfSignatureHashes: [String]
}

/// Why a key is too weak to encrypt a vulnerability report to.
public enum KeyWeakness: Sendable, Equatable, CustomStringConvertible {
  /// An RSA, DSA or ElGamal key (primary or usable subkey) under 2048 bits.
  case shortKey(algorithm: String, bits: Int)
  /// Every self-signature uses a broken hash (MD5, SHA-1, RIPEMD-160): anyone who can
  /// make a collision can bind another user ID or subkey to the key.
  case weakSelfSignatures(hash: String)
  /// No user ID carries a self-signature at all, so nothing binds an address to the key.
  case noSelfSignature
  /// A version 3 (PGP 2) key, with MD5 fingerprints; GnuPG no longer imports them.
  case legacyVersion(Int)

  public var description: String {
    switch self {
    case .shortKey(let algorithm, let bits): "\(algorithm) \(bits) bits (under 2048)"
    case .weakSelfSignatures(let hash): "only \(HashNames.spoken(hash)) self-signatures"
    case .noSelfSignature: "no self-signature on any user ID"
    case .legacyVersion(let version): "a version \(version) key, which current OpenPGP programs refuse"
    }
  }
}

/// Reads the keys in data from outside (attachments, Autocrypt, WKD) without importing them.
public enum KeyMaterial {
  /// The transferable keys in `data`, binary or armored; each primary key packet (tag 6
  /// or 5) starts a new key. Packets that belong to no key, such as those of a message,
  /// are passed over, so a message gives no keys. Throws for data that is not OpenPGP and
  /// for a key packet that cannot be read.
  public static func keys(in data: [UInt8], maxPackets: Int = 10_000) throws(PacketError) -> [KeySummary] {
    var keys: [KeyBuilder] = []
    var component = KeyComponent.none
    for packet in try OpenPGPPackets.parse(data, maxPackets: maxPackets) {
      switch packet.tag {
      case 5, 6:
        keys.append(KeyBuilder(primary: try KeyPacket(packet)))
        component = .primary
      case 13 where !keys.isEmpty:
        keys[keys.count - 1].userIDs.append((String(decoding: packet.body, as: UTF8.self), []))
        component = .userID
      case 17 where !keys.isEmpty:
        component = .userAttribute
      case 7 where !keys.isEmpty, 14 where !keys.isEmpty:
        keys[keys.count - 1].subkeys.append(SubkeyBuilder(key: try KeyPacket(packet)))
        component = .subkey
      case 2 where !keys.isEmpty:
        guard let signature = SignatureInfo(packet.body) else { continue }
        keys[keys.count - 1].attach(signature, to: component)
      default:
        break  // trust, marker and message packets say nothing about a key
      }
    }
    return keys.map(\.summary)
  }

  /// Whether a secret-key or secret-subkey packet (tag 5 or 7) is anywhere in `data`:
  /// in binary packets as far as they parse, and in every armored block, even a damaged
  /// one or one after text or other blocks. A packet cut off in its body still counts,
  /// since part of a secret key is still secret.
  public static func containsSecretKey(_ data: [UInt8]) -> Bool {
    if Armor.looksBinary(data), hasSecretKeyPacket(data) { return true }
    return Armor.blocks(in: data).contains { hasSecretKeyPacket($0.payload) }
  }

  private static func hasSecretKeyPacket(_ stream: [UInt8]) -> Bool {
    var reader = PacketReader(stream)
    while true {
      do throws(PacketError) {
        guard let packet = try reader.next(copyingBody: false) else { return false }
        if packet.tag == 5 || packet.tag == 7 { return true }
      } catch {
        // Damage ends the scan: past it nothing can be told apart from noise.
        return reader.currentTag == 5 || reader.currentTag == 7
      }
    }
  }
}

/// The part of a key a signature packet belongs to: the one whose packet came last.
private enum KeyComponent { case primary, userID, userAttribute, subkey, none }

/// A key as its packets arrive.
private struct KeyBuilder {
  let primary: KeyPacket
  var userIDs: [(text: String, hashes: [String])] = []
  var subkeys: [SubkeyBuilder] = []
  var directHashes: [String] = []

  mutating func attach(_ signature: SignatureInfo, to component: KeyComponent) {
    guard signature.isIssued(by: primary) else { return }
    switch component {
    case .primary where signature.type == 0x1F:
      directHashes.append(HashNames.name(signature.hash))
    case .userID where (0x10...0x13).contains(signature.type):
      userIDs[userIDs.count - 1].hashes.append(HashNames.name(signature.hash))
    case .subkey where signature.type == 0x18:
      subkeys[subkeys.count - 1].bindings.append(signature)
    case .subkey where signature.type == 0x28:
      subkeys[subkeys.count - 1].isRevoked = true
    default:
      break
    }
  }

  var summary: KeySummary {
    KeySummary(
      fingerprint: primary.fingerprint, version: primary.version, algorithm: primary.algorithm,
      created: primary.created, isSecret: primary.isSecret, subkeys: subkeys.map(\.summary),
      userIDs: userIDs.map { UserIDSummary(text: $0.text, selfSignatureHashes: $0.hashes) },
      directKeySignatureHashes: directHashes)
  }
}

private struct SubkeyBuilder {
  let key: KeyPacket
  var bindings: [SignatureInfo] = []
  var isRevoked = false

  var summary: SubkeySummary {
    // The newest binding signature is the one in force; older ones were superseded.
    let newest = bindings.max { ($0.created ?? 0) < ($1.created ?? 0) }
    let expires = newest?.keyExpiry.flatMap { $0 == 0 ? nil : key.created.addingTimeInterval(TimeInterval($0)) }
    return SubkeySummary(
      fingerprint: key.fingerprint, version: key.version, algorithm: key.algorithm, created: key.created,
      isSecret: key.isSecret, isBound: newest != nil, isRevoked: isRevoked, expires: expires)
  }
}

// MARK: - Packet fields

/// A public-key or secret-key packet (tags 6, 14, 5, 7), read as far as naming it needs
/// (RFC 9580 §5.5.2).
struct KeyPacket {
  let version: Int
  let created: Date
  let algorithm: PublicKeyAlgorithm
  let fingerprint: Fingerprint
  /// The 8 bytes issuer key ID subpackets name it by: the low end of a v3 key's RSA
  /// modulus or a v4 fingerprint, the start of a v5 or v6 fingerprint.
  let keyID: [UInt8]
  let fingerprintBytes: [UInt8]
  let isSecret: Bool

  init(_ packet: OpenPGPPacket) throws(PacketError) {
    isSecret = packet.tag == 5 || packet.tag == 7
    let body = packet.body
    var reader = ByteReader(body)
    let digest: [UInt8]
    do throws(PacketError) {
      version = Int(try reader.byte())
      created = Date(timeIntervalSince1970: TimeInterval(try reader.integer(bytes: 4)))
      switch version {
      case 3:
        try reader.skip(2)  // validity in days
        guard [1, 2, 3].contains(try reader.byte()) else { throw .unreadableKey }  // v3 keys are RSA only
        let modulus = try reader.mpi()
        let exponent = try reader.mpi()
        guard modulus.magnitude.count >= 8 else { throw .unreadableKey }
        algorithm = .rsa(bits: modulus.bits)
        digest = Array(Insecure.MD5.hash(data: Array(modulus.magnitude) + Array(exponent.magnitude)))
        keyID = Array(modulus.magnitude.suffix(8))
      case 4:
        let id = try reader.byte()
        let publicEnd: Int
        if let known = try Self.publicFields(id, &reader) {
          algorithm = known
          publicEnd = reader.index
        } else {
          // Without knowing the algorithm's fields, a secret key's public part has no
          // known end; a public key's is the whole body.
          guard !isSecret else { throw .unreadableKey }
          algorithm = .unknown(id: id)
          publicEnd = body.count
        }
        guard publicEnd < 0x1_0000 else { throw .unreadableKey }  // a v4 fingerprint hashes a 2-byte length
        var hashed: [UInt8] = [0x99, UInt8(publicEnd >> 8), UInt8(publicEnd & 0xFF)]
        hashed += body[..<publicEnd]
        digest = Array(Insecure.SHA1.hash(data: hashed))
        keyID = Array(digest.suffix(8))
      case 5, 6:
        let id = try reader.byte()
        let count = try reader.integer(bytes: 4)
        var material = ByteReader(Array(try reader.take(count)))
        algorithm = try Self.publicFields(id, &material) ?? .unknown(id: id)
        let publicEnd = reader.index
        var hashed: [UInt8] = [version == 5 ? 0x9A : 0x9B]
        hashed += (0..<4).reversed().map { UInt8(publicEnd >> ($0 * 8) & 0xFF) }
        hashed += body[..<publicEnd]
        digest = Array(SHA256.hash(data: hashed))
        keyID = Array(digest.prefix(8))
      default:
        throw .unreadableKey
      }
    } catch {
      throw .unreadableKey
    }
    fingerprintBytes = digest
    fingerprint = Fingerprint(Hex.uppercase(digest))
  }

  /// Reads the algorithm-specific public fields (RFC 9580 §5.5.5), leaving `reader`
  /// after them; nil for an algorithm whose fields are unknown.
  private static func publicFields(_ id: UInt8, _ reader: inout ByteReader) throws(PacketError) -> PublicKeyAlgorithm? {
    switch id {
    case 1, 2, 3:  // RSA: n, e
      let modulus = try reader.mpi()
      _ = try reader.mpi()
      return .rsa(bits: modulus.bits)
    case 16, 20:  // ElGamal: p, g, y
      let prime = try reader.mpi()
      for _ in 0..<2 { _ = try reader.mpi() }
      return .elgamal(bits: prime.bits)
    case 17:  // DSA: p, q, g, y
      let prime = try reader.mpi()
      for _ in 0..<3 { _ = try reader.mpi() }
      return .dsa(bits: prime.bits)
    case 18:  // ECDH: curve, point, KDF parameters
      let curve = try reader.curve()
      _ = try reader.mpi()
      try reader.skip(Int(try reader.byte()))
      return .ecdh(curve: curve)
    case 19:
      let curve = try reader.curve()
      _ = try reader.mpi()
      return .ecdsa(curve: curve)
    case 22:  // EdDSALegacy
      let curve = try reader.curve()
      _ = try reader.mpi()
      return .eddsa(curve: curve)
    case 25: try reader.skip(32); return .x25519
    case 26: try reader.skip(56); return .x448
    case 27: try reader.skip(32); return .ed25519
    case 28: try reader.skip(57); return .ed448
    default: return nil
    }
  }
}

/// The parts of a signature packet (tag 2) that tell who made it, when, and with which
/// hash (RFC 9580 §5.2).
struct SignatureInfo {
  let type: UInt8
  let hash: UInt8
  /// Signature creation time (subpacket 2, hashed area), seconds since 1970.
  let created: Int?
  /// Key expiration time (subpacket 9, hashed area): seconds after the key's creation.
  let keyExpiry: Int?
  let issuerKeyIDs: [[UInt8]]
  let issuerFingerprints: [[UInt8]]

  /// Nil for a signature that cannot be read or has an unknown version: it is then no
  /// self-signature, as gpg would not count it either.
  init?(_ body: [UInt8]) {
    var reader = ByteReader(body)
    do throws(PacketError) {
      let version = try reader.byte()
      switch version {
      case 3:
        guard try reader.byte() == 5 else { return nil }  // length of the hashed fields
        type = try reader.byte()
        created = try reader.integer(bytes: 4)
        issuerKeyIDs = [Array(try reader.take(8))]
        issuerFingerprints = []
        keyExpiry = nil
        try reader.skip(1)  // public-key algorithm
        hash = try reader.byte()
      case 4, 5, 6:
        type = try reader.byte()
        try reader.skip(1)  // public-key algorithm
        hash = try reader.byte()
        // v6 widened the subpacket area counts to four bytes (RFC 9580 §5.2.3).
        let countSize = version == 6 ? 4 : 2
        let hashed = try Self.subpackets(try reader.take(try reader.integer(bytes: countSize)))
        let unhashed = try Self.subpackets(try reader.take(try reader.integer(bytes: countSize)))
        created = hashed.first { $0.type == 2 && $0.data.count == 4 }.map { Self.integer($0.data) }
        keyExpiry = hashed.first { $0.type == 9 && $0.data.count == 4 }.map { Self.integer($0.data) }
        let all = hashed + unhashed
        issuerKeyIDs = all.filter { $0.type == 16 && $0.data.count == 8 }.map { Array($0.data) }
        // Subpacket 33 is a key version byte, then the fingerprint.
        issuerFingerprints = all.filter { $0.type == 33 && $0.data.count > 1 }.map { Array($0.data.dropFirst()) }
      default:
        return nil
      }
    } catch {
      return nil
    }
  }

  func isIssued(by key: KeyPacket) -> Bool {
    issuerFingerprints.contains(key.fingerprintBytes) || issuerKeyIDs.contains(key.keyID)
  }

  private static func subpackets(_ area: ArraySlice<UInt8>) throws(PacketError) -> [(type: UInt8, data: ArraySlice<UInt8>)] {
    var reader = ByteReader(Array(area))
    var subpackets: [(type: UInt8, data: ArraySlice<UInt8>)] = []
    while !reader.isAtEnd {
      let first = Int(try reader.byte())
      let length =
        switch first {
        case 0..<192: first
        case 192..<255: try (first - 192) << 8 + Int(reader.byte()) + 192
        default: try reader.integer(bytes: 4)
        }
      let content = try reader.take(length)
      // The high bit of the type marks a critical subpacket; the type is the rest.
      guard let type = content.first else { throw .badPacketHeader }
      subpackets.append((type & 0x7F, content.dropFirst()))
    }
    return subpackets
  }

  private static func integer(_ bytes: ArraySlice<UInt8>) -> Int { bytes.reduce(0) { $0 << 8 | Int($1) } }
}

extension ByteReader {
  /// A multiprecision integer (RFC 9580 §3.2): its bit count field and its bytes.
  mutating func mpi() throws(PacketError) -> (bits: Int, magnitude: ArraySlice<UInt8>) {
    let bits = try integer(bytes: 2)
    return (bits, try take((bits + 7) / 8))
  }

  /// A curve OID (RFC 9580 §9.2), named.
  mutating func curve() throws(PacketError) -> String {
    let length = Int(try byte())
    guard length != 0, length != 0xFF else { throw .unreadableKey }  // both reserved
    return CurveNames.name(Array(try take(length)))
  }
}

/// Curve names for the OIDs RFC 9580 §9.2 and GnuPG use.
enum CurveNames {
  private static let names: [[UInt8]: String] = [
    [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]: "NIST P-256",
    [0x2B, 0x81, 0x04, 0x00, 0x22]: "NIST P-384",
    [0x2B, 0x81, 0x04, 0x00, 0x23]: "NIST P-521",
    [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07]: "brainpoolP256r1",
    [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B]: "brainpoolP384r1",
    [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D]: "brainpoolP512r1",
    [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01]: "Ed25519",
    [0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01]: "Curve25519",
    [0x2B, 0x81, 0x04, 0x00, 0x0A]: "secp256k1",
    [0x2B, 0x65, 0x6E]: "X25519",
    [0x2B, 0x65, 0x6F]: "X448",
    [0x2B, 0x65, 0x70]: "Ed25519",
    [0x2B, 0x65, 0x71]: "Ed448",
  ]

  static func name(_ oid: [UInt8]) -> String { names[oid] ?? dotted(oid) }

  /// The OID in dotted form, so that an admin can look an unknown curve up.
  private static func dotted(_ oid: [UInt8]) -> String {
    guard let first = oid.first else { return "unknown curve" }
    var arcs = first < 80 ? [Int(first) / 40, Int(first) % 40] : [2, Int(first) - 80]
    var value = 0
    for byte in oid.dropFirst() {
      // An arc past 2^49 is no real curve; stop before the arithmetic could overflow.
      guard value < 1 << 49 else { return "unknown curve" }
      value = value << 7 | Int(byte & 0x7F)
      if byte & 0x80 == 0 {
        arcs.append(value)
        value = 0
      }
    }
    return arcs.map(String.init).joined(separator: ".")
  }
}

/// Hash algorithm names (RFC 9580 §9.5), spelled as GnuPG's `--list-packets` does.
enum HashNames {
  static let weak: Set = ["MD5", "SHA1", "RIPEMD160"]
  static let strong: Set = ["SHA224", "SHA256", "SHA384", "SHA512", "SHA3-256", "SHA3-512"]

  static func name(_ id: UInt8) -> String {
    switch id {
    case 1: "MD5"
    case 2: "SHA1"
    case 3: "RIPEMD160"
    case 8: "SHA256"
    case 9: "SHA384"
    case 10: "SHA512"
    case 11: "SHA224"
    case 12: "SHA3-256"
    case 14: "SHA3-512"
    default: "unknown(\(id))"
    }
  }

  /// The name as people write it in prose ("SHA-1").
  static func spoken(_ name: String) -> String {
    switch name {
    case "SHA1": "SHA-1"
    case "RIPEMD160": "RIPEMD-160"
    default: name
    }
  }
}
