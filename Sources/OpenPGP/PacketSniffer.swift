/// What kind of OpenPGP data a blob is, from its first packet header (RFC 9580 §4.2),
/// without asking gpg.
///
/// Used to tell real ciphertext from armor that only looks like it: a
/// `multipart/encrypted` whose "ciphertext" is a signed or literal message claims
/// an encryption that never happened.
public enum PacketSniffer {
  public enum Kind: Sendable, Equatable {
    /// Starts with an encrypted session key or encrypted data packet.
    case encrypted
    /// A signed, compressed or literal message: readable without any key.
    case notEncrypted
    /// `-----BEGIN PGP SIGNED MESSAGE-----` cleartext signature.
    case cleartextSigned
    case key
    case unknown
  }

  public static func kind(of data: [UInt8]) -> Kind {
    let head = String(decoding: data.prefix(64), as: UTF8.self).trimmingLeadingWhitespace()
    if head.hasPrefix("-----BEGIN PGP SIGNED MESSAGE-----") { return .cleartextSigned }
    if head.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----") || head.hasPrefix("-----BEGIN PGP " + "PRIVATE KEY BLOCK-----") { return .key }
    let binary = head.hasPrefix("-----BEGIN PGP") ? dearmor(data) : data
    guard let first = binary.first, first & 0x80 != 0 else { return .unknown }
    let newFormat = first & 0x40 != 0
    let tag = newFormat ? first & 0x3F : (first >> 2) & 0x0F
    // The first byte of the packet body, where the packet types that have one keep their
    // version: one byte of random data looks like a packet header far too often (about
    // one binary attachment in fifteen), a header with a known version much less so.
    let version = Self.firstBodyByte(binary, newFormat: newFormat, lengthType: first & 0x03)
    switch tag {
    case 1: return [3, 6].contains(version) ? .encrypted : .unknown  // public-key encrypted session key
    case 3: return [4, 5, 6].contains(version) ? .encrypted : .unknown  // symmetric-key encrypted session key
    case 18: return [1, 2].contains(version) ? .encrypted : .unknown  // encrypted and integrity protected data
    case 20: return version == 1 ? .encrypted : .unknown  // AEAD encrypted data (draft, GnuPG)
    case 9: return .encrypted  // symmetrically encrypted data without integrity protection: no version byte
    case 2, 4, 8, 11: return .notEncrypted
    case 5, 6, 7, 14: return [3, 4, 5, 6].contains(version) ? .key : .unknown
    default: return .unknown
    }
  }

  /// Whether `data` is ASCII-armored OpenPGP (RFC 9580 §6.2), after leading white space.
  public static func isArmored(_ data: [UInt8]) -> Bool {
    String(decoding: data.prefix(64), as: UTF8.self).trimmingLeadingWhitespace().hasPrefix("-----BEGIN PGP ")
  }

  /// The byte after the packet header, or nil when the header is cut off.
  static func firstBodyByte(_ packet: [UInt8], newFormat: Bool, lengthType: UInt8) -> UInt8? {
    var offset: Int
    if newFormat {
      guard packet.count > 1 else { return nil }
      let octet = packet[1]
      switch octet {
      case 0..<192: offset = 2
      case 192..<224: offset = 3
      case 255: offset = 6
      default: offset = 2  // a partial body length: the body starts right after it
      }
    } else {
      switch lengthType {
      case 0: offset = 2
      case 1: offset = 3
      case 2: offset = 5
      default: offset = 1  // indeterminate length
      }
    }
    return offset < packet.count ? packet[offset] : nil
  }

  /// The first few bytes of an armored block's payload (enough for a packet header).
  static func dearmor(_ data: [UInt8]) -> [UInt8] {
    let lines = String(decoding: data.prefix(4096), as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    var index = 0
    // Skip the BEGIN line and the armor headers up to the blank line.
    while index < lines.count && !lines[index].hasPrefix("-----BEGIN") { index += 1 }
    index += 1
    while index < lines.count && !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
      if !lines[index].contains(":") { break }  // no blank line: headers absent
      index += 1
    }
    var text = ""
    while index < lines.count, text.count < 64 {
      let line = lines[index].trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("-----") || line.hasPrefix("=") { break }
      text += line
      index += 1
    }
    text = String(text.prefix(text.count - text.count % 4))
    return Array(Data(base64Encoded: text) ?? Data())
  }
}

extension String {
  func trimmingLeadingWhitespace() -> String { String(drop { $0.isWhitespace }) }
}

import Foundation
