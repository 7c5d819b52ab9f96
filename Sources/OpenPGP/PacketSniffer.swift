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
    let tag = first & 0x40 != 0 ? first & 0x3F : (first >> 2) & 0x0F
    switch tag {
    case 1, 3, 9, 18, 20: return .encrypted
    case 2, 4, 8, 11: return .notEncrypted
    case 5, 6, 7, 14: return .key
    default: return .unknown
    }
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
