import Crypto

/// One OpenPGP packet ([RFC 9580 §4](https://www.rfc-editor.org/rfc/rfc9580#section-4)):
/// its tag and its whole body, with partial body lengths already joined.
///
/// The header's format (old or new) and length encoding are not kept: two encodings of
/// the same packet are the same value, which is what lets a re-encoded message be
/// recognised (see `EncryptedMessage.identity`).
public struct OpenPGPPacket: Sendable, Equatable {
  /// The packet type ID, e.g. 6 for a public key, 2 for a signature, 18 for encrypted data.
  public let tag: UInt8
  public let body: [UInt8]

  public init(tag: UInt8, body: [UInt8]) {
    self.tag = tag
    self.body = body
  }
}

/// Why data could not be read as OpenPGP packets. Each description says what an admin can
/// do about it; none repeats any of the data, which comes from outside.
public enum PacketError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Neither binary OpenPGP nor ASCII armor.
  case notOpenPGP
  /// The data ends inside a packet.
  case truncated
  /// An ASCII-armored block is damaged: bad base64, text after the checksum, or no END line.
  case badArmor
  /// An ASCII-armored block's CRC24 line does not match the data it covers.
  case armorChecksumMismatch
  /// A packet header is invalid: the reserved tag 0, a byte that starts no packet, or a
  /// partial body length on a packet type that may not have one (RFC 9580 §4.2.1.4).
  case badPacketHeader
  /// More packets than the caller allows.
  case tooManyPackets(limit: Int)
  /// More bytes than the caller allows.
  case tooLarge(limit: Int)
  /// A key packet whose fields cannot be read: damaged, or a key version or (in a secret
  /// key) an algorithm this parser does not know, so its fingerprint cannot be computed.
  case unreadableKey

  public var description: String {
    switch self {
    case .notOpenPGP:
      "The data is neither binary OpenPGP nor ASCII armor; ask the sender for the key or message as exported by their OpenPGP program."
    case .truncated:
      "The OpenPGP data ends in the middle of a packet; it was cut off on the way, so ask the sender for it again."
    case .badArmor:
      "The ASCII armor is damaged (invalid base64, text after the checksum line, or a missing END line); ask the sender to export it again."
    case .armorChecksumMismatch:
      "The ASCII armor's CRC24 checksum does not match its contents: the data was changed on the way; ask the sender for it again."
    case .badPacketHeader:
      "An OpenPGP packet header is invalid; the data is damaged or was not made by an OpenPGP program."
    case .tooManyPackets(let limit):
      "The OpenPGP data holds more than \(limit) packets, more than any real key or message needs; it was refused unread."
    case .tooLarge(let limit):
      "The OpenPGP data is larger than \(limit) bytes; it was refused unread."
    case .unreadableKey:
      "A key in the OpenPGP data is damaged or uses a key version or algorithm this gateway cannot read; ask the sender to export it again with a current OpenPGP program."
    }
  }
}

/// Reads OpenPGP packets from binary or ASCII-armored data, without gpg
/// ([RFC 9580 §4.2](https://www.rfc-editor.org/rfc/rfc9580#section-4.2) packet headers,
/// [§6](https://www.rfc-editor.org/rfc/rfc9580#section-6) armor).
///
/// The gateway judges key material and ciphertext that strangers send before any of it
/// reaches a keyring, so every length is checked against the bytes actually present and
/// nothing is allocated from a length field alone: the work is linear in the input.
public enum OpenPGPPackets {
  /// The default for `maxBytes`: above the gateway's largest accepted mail (50 MiB).
  public static let defaultMaxBytes = 64 * 1024 * 1024

  /// The packets in `data`, binary or ASCII-armored.
  ///
  /// Armored input may hold several blocks one after the other, of any type, each with
  /// optional armor headers and an optional CRC24 line, which must match when present:
  /// GnuPG 2.2 refuses a mismatch too, and the gateway should not judge data that gpg
  /// would then read differently or not at all. Text around the blocks is
  /// ignored, and a cleartext-signed message contributes only its signature block.
  /// Old- and new-format headers, every length encoding and partial body lengths are read.
  public static func parse(
    _ data: [UInt8], maxPackets: Int = 10_000, maxBytes: Int = defaultMaxBytes
  ) throws(PacketError) -> [OpenPGPPacket] {
    guard data.count <= maxBytes else { throw .tooLarge(limit: maxBytes) }
    var packets: [OpenPGPPacket] = []
    for stream in try binaryStreams(data) {
      var reader = PacketReader(stream)
      while let packet = try reader.next() {
        guard packets.count < maxPackets else { throw .tooManyPackets(limit: maxPackets) }
        packets.append(packet)
      }
    }
    return packets
  }

  /// The binary form of `data` when it is exactly one undamaged armored block with one of
  /// `labels` ("MESSAGE", "SIGNATURE"), else nil (binary data, several blocks, damage, or
  /// another kind of block): the caller then hands the data on as it is.
  ///
  /// GnuPG 2.2 misreads some armor that RFC 9580 allows: without the optional CRC line and
  /// with no base64 padding it finds a stray packet after the message ("NODATA 3"), and GPGME
  /// then reports a good signature as failed. Binary input gives gpg nothing to misread.
  public static func dearmored(_ data: [UInt8], labels: Set<String>) -> [UInt8]? {
    guard !Armor.looksBinary(data) else { return nil }
    let blocks = Armor.blocks(in: data)
    guard blocks.count == 1, let block = blocks.first, block.damage == nil, labels.contains(block.label),
          !block.payload.isEmpty else { return nil }
    return block.payload
  }

  /// The binary packet streams in `data`: itself when binary, else one per armored block.
  static func binaryStreams(_ data: [UInt8]) throws(PacketError) -> [[UInt8]] {
    if Armor.looksBinary(data) { return [data] }
    let blocks = Armor.blocks(in: data)
    guard !blocks.isEmpty else { throw .notOpenPGP }
    return try blocks.map { block throws(PacketError) in
      if let damage = block.damage { throw damage }
      return block.payload
    }
  }
}

/// Reads one packet after another from a binary stream. Bodies are copied only when asked,
/// so a caller that looks only at tags (a scan for secret keys) costs no allocation per packet.
struct PacketReader {
  private var input: ByteReader
  /// The tag of the packet `next` is reading or last read, known as soon as its header
  /// byte is: a scan can tell what a packet cut off in its body would have been.
  private(set) var currentTag: UInt8?

  init(_ bytes: [UInt8]) { input = ByteReader(bytes) }

  /// The next packet, nil at the end of the stream; with `copyingBody` false its body is empty.
  mutating func next(copyingBody: Bool = true) throws(PacketError) -> OpenPGPPacket? {
    currentTag = nil
    guard !input.isAtEnd else { return nil }
    let header = try input.byte()
    guard header & 0x80 != 0 else { throw .badPacketHeader }
    var body: [UInt8] = []
    func append(_ count: Int, to body: inout [UInt8], from input: inout ByteReader) throws(PacketError) {
      let bytes = try input.take(count)
      if copyingBody { body += bytes }
    }
    if header & 0x40 != 0 {
      let tag = header & 0x3F
      guard tag != 0 else { throw .badPacketHeader }
      currentTag = tag
      while true {
        let first = try input.byte()
        switch first {
        case 0..<192:
          try append(Int(first), to: &body, from: &input)
        case 192..<224:
          let second = try input.byte()
          try append((Int(first) - 192) << 8 + Int(second) + 192, to: &body, from: &input)
        case 255:
          try append(try input.integer(bytes: 4), to: &body, from: &input)
        default:
          // Only data packets may stream (RFC 9580 §4.2.1.4); GnuPG refuses the rest too,
          // and a key read one way here and another way by gpg would be judged wrongly.
          guard Self.mayHavePartialLengths(tag) else { throw .badPacketHeader }
          try append(1 << Int(first & 0x1F), to: &body, from: &input)
          continue
        }
        return OpenPGPPacket(tag: tag, body: body)
      }
    } else {
      let tag = (header >> 2) & 0x0F
      guard tag != 0 else { throw .badPacketHeader }
      currentTag = tag
      let length =
        switch header & 0x03 {
        case 0: Int(try input.byte())
        case 1: try input.integer(bytes: 2)
        case 2: try input.integer(bytes: 4)
        default: input.remaining  // indeterminate: the packet runs to the end of the data
        }
      try append(length, to: &body, from: &input)
      return OpenPGPPacket(tag: tag, body: body)
    }
  }

  /// Compressed (8), symmetrically encrypted (9), literal (11), SEIPD (18) and GnuPG's
  /// AEAD encrypted data (20).
  static func mayHavePartialLengths(_ tag: UInt8) -> Bool { [8, 9, 11, 18, 20].contains(tag) }
}

/// A cursor over bytes that throws `.truncated` rather than read past `end`.
struct ByteReader {
  private let bytes: [UInt8]
  private(set) var index: Int
  let end: Int

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
    index = 0
    end = bytes.count
  }

  var isAtEnd: Bool { index >= end }
  var remaining: Int { end - index }

  mutating func byte() throws(PacketError) -> UInt8 {
    guard index < end else { throw .truncated }
    defer { index += 1 }
    return bytes[index]
  }

  /// A big-endian unsigned integer of `count` (at most 4) bytes.
  mutating func integer(bytes count: Int) throws(PacketError) -> Int {
    precondition((1...4).contains(count), "integers in OpenPGP headers are 1 to 4 bytes")
    return try take(count).reduce(0) { $0 << 8 | Int($1) }
  }

  mutating func take(_ count: Int) throws(PacketError) -> ArraySlice<UInt8> {
    guard count >= 0, count <= remaining else { throw .truncated }
    defer { index += count }
    return bytes[index..<(index + count)]
  }

  mutating func skip(_ count: Int) throws(PacketError) { _ = try take(count) }
}

// MARK: - ASCII armor

/// ASCII armor ([RFC 9580 §6.2](https://www.rfc-editor.org/rfc/rfc9580#section-6.2)),
/// read as bytes so that binary junk around the blocks costs no text decoding.
enum Armor {
  /// One armored block. A damaged block keeps what could be decoded, so that a scan for
  /// secret keys still sees them; strict callers throw `damage`.
  struct Block {
    let label: String
    let payload: [UInt8]
    let damage: PacketError?
  }

  private static let begin = Array("-----BEGIN PGP ".utf8)
  private static let end = Array("-----END PGP ".utf8)
  private static let dashes = Array("-----".utf8)

  /// Whether `data` is binary packets rather than armor (possibly after some text).
  static func looksBinary(_ data: [UInt8]) -> Bool {
    var start = 0
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // a UTF-8 byte order mark
    while start < data.count, [0x20, 0x09, 0x0D, 0x0A].contains(data[start]) { start += 1 }
    guard start < data.count else { return false }
    if data[start...].starts(with: begin) { return false }
    return data[0] & 0x80 != 0
  }

  /// Every armored block in `data`, in order.
  static func blocks(in data: [UInt8]) -> [Block] {
    let lines = self.lines(data)
    var blocks: [Block] = []
    var index = 0
    while index < lines.count {
      let line = data[lines[index]]
      index += 1
      guard let label = Self.label(line, after: begin) else { continue }
      // A cleartext-signed text is not base64; its signature follows as a block of its own.
      if label == "SIGNED MESSAGE" { continue }
      // Armor headers ("Version: …", "Comment: …") up to a blank line. Some programs omit
      // the blank line when there are no headers, and base64 never holds a colon.
      while index < lines.count, !lines[index].isEmpty, data[lines[index]].contains(UInt8(ascii: ":")),
        !data[lines[index]].starts(with: dashes)
      {
        index += 1
      }
      var text: [UInt8] = []
      var checksum: ArraySlice<UInt8>?
      var damage: PacketError?
      var ended = false
      while index < lines.count {
        let line = data[lines[index]]
        if line.starts(with: end) {
          index += 1
          ended = true
          if Self.label(line, after: end) != label { damage = damage ?? .badArmor }
          break
        }
        if line.starts(with: begin) { break }  // the next block, this one has no END line
        index += 1
        if line.isEmpty { continue }
        if checksum != nil {
          damage = damage ?? .badArmor
        } else if line.first == UInt8(ascii: "="), line.count == 5 {
          checksum = line.dropFirst()
        } else {
          text += line
        }
      }
      let decoded = Base64.decode(text)
      let payload = decoded.bytes
      if !decoded.valid { damage = damage ?? .badArmor }
      if !ended { damage = damage ?? .badArmor }
      if let checksum {
        let expected = Base64.decode(Array(checksum))
        if !expected.valid || expected.bytes.count != 3 {
          damage = damage ?? .badArmor
        } else if expected.bytes.reduce(0, { $0 << 8 | UInt32($1) }) != crc24(payload) {
          damage = damage ?? .armorChecksumMismatch
        }
      }
      blocks.append(Block(label: label, payload: payload, damage: damage))
    }
    return blocks
  }

  /// The label of "-----BEGIN PGP LABEL-----" (or END), nil for any other line.
  private static func label(_ line: ArraySlice<UInt8>, after prefix: [UInt8]) -> String? {
    guard line.starts(with: prefix), line.count >= prefix.count + dashes.count,
      line.suffix(dashes.count).elementsEqual(dashes)
    else { return nil }
    let middle = line.dropFirst(prefix.count).dropLast(dashes.count)
    return String(decoding: middle, as: UTF8.self)
  }

  /// Line ranges without the line break and trailing white space, which RFC 9580 §6.2
  /// says to ignore (mail transports add and strip it).
  private static func lines(_ data: [UInt8]) -> [Range<Int>] {
    var lines: [Range<Int>] = []
    var start = 0
    while start <= data.count {
      let newline = data[start...].firstIndex(of: 0x0A) ?? data.count
      var stop = newline
      while stop > start, [0x0D, 0x20, 0x09].contains(data[stop - 1]) { stop -= 1 }
      lines.append(start..<stop)
      start = newline + 1
    }
    return lines
  }

  /// CRC-24 of RFC 9580 §6.1: generator 0x864CFB, initial value 0xB704CE.
  static func crc24(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xB7_04CE
    for byte in bytes {
      crc = (crc << 8 ^ crcTable[Int((crc >> 16 ^ UInt32(byte)) & 0xFF)]) & 0xFF_FFFF
    }
    return crc
  }

  /// The CRC of each byte value, so that a large armored message costs one lookup per
  /// byte rather than eight shifts.
  private static let crcTable: [UInt32] = (0..<256).map { (value: UInt32) in
    var crc = value << 16
    for _ in 0..<8 {
      crc <<= 1
      if crc & 0x100_0000 != 0 { crc ^= 0x186_4CFB }
    }
    return crc & 0xFF_FFFF
  }
}

/// Base64 as armor uses it. Foundation's decoder answers only "nil" for damage; this one
/// keeps what it decoded up to the damage, for the secret-key scan.
enum Base64 {
  static func decode(_ text: [UInt8]) -> (bytes: [UInt8], valid: Bool) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.count / 4 * 3)
    var accumulator: UInt32 = 0
    var count = 0
    var padded = false
    for character in text {
      if character == UInt8(ascii: "=") {
        padded = true
        continue
      }
      guard !padded, let value = value(character) else { return (bytes, false) }
      accumulator = accumulator << 6 | value
      count += 1
      if count == 4 {
        bytes.append(UInt8(accumulator >> 16))
        bytes.append(UInt8(accumulator >> 8 & 0xFF))
        bytes.append(UInt8(accumulator & 0xFF))
        accumulator = 0
        count = 0
      }
    }
    switch count {
    case 2: bytes.append(UInt8(accumulator >> 4))
    case 3: bytes += [UInt8(accumulator >> 10), UInt8(accumulator >> 2 & 0xFF)]
    case 1: return (bytes, false)  // six bits cannot end a byte
    default: break
    }
    return (bytes, true)
  }

  private static func value(_ character: UInt8) -> UInt32? {
    switch character {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character - UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character - UInt8(ascii: "a")) + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character - UInt8(ascii: "0")) + 52
    case UInt8(ascii: "+"): 62
    case UInt8(ascii: "/"): 63
    default: nil
    }
  }
}

// MARK: - Encrypted messages

/// Recognises one encrypted OpenPGP message by its ciphertext
/// ([RFC 9580 §10.3](https://www.rfc-editor.org/rfc/rfc9580#section-10.3)).
///
/// The same report can arrive twice in different clothes: re-armored, forwarded with
/// other armor headers, with a recipient's session key packet dropped. The encrypted data
/// packet's body is what stays the same, and it cannot be made again without the
/// plaintext and session key.
public enum EncryptedMessage {
  /// SHA-256 (lower-case hex) of the body of the message's encrypted data packet (tag 18
  /// SEIPD, 20 AEAD or 9 legacy symmetrically encrypted), the first packet after any
  /// session key (1, 3) and marker (10) packets. Nil when there is none: the armor is
  /// damaged, the packet is cut off, or a packet of another kind comes first. What follows
  /// the encrypted data packet is not read; it is not part of the ciphertext.
  public static func identity(_ data: [UInt8]) -> String? {
    do throws(PacketError) {
      guard data.count <= OpenPGPPackets.defaultMaxBytes,
        let stream = try OpenPGPPackets.binaryStreams(data).first
      else { return nil }
      var reader = PacketReader(stream)
      while let packet = try reader.next() {
        switch packet.tag {
        case 1, 3, 10: continue
        case 9, 18, 20: return Hex.lowercase(SHA256.hash(data: packet.body))
        default: return nil
        }
      }
      return nil
    } catch {
      // Damaged or foreign data has no identity; that is the answer, not a failure.
      return nil
    }
  }
}

/// Hex spelling for digests and fingerprints, without a `String(format:)` per byte.
enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)
  private static let upperDigits = Array("0123456789ABCDEF".utf8)

  static func lowercase(_ bytes: some Sequence<UInt8>) -> String { spell(bytes, digits) }
  static func uppercase(_ bytes: some Sequence<UInt8>) -> String { spell(bytes, upperDigits) }

  private static func spell(_ bytes: some Sequence<UInt8>, _ digits: [UInt8]) -> String {
    var text: [UInt8] = []
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
