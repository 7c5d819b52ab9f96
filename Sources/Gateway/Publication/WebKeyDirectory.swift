import Crypto
import Foundation

/// The OpenPGP Web Key Directory files for the security address, so that
/// `gpg --locate-keys security@example.org` (and Thunderbird, K-9, GpgOL) finds
/// the gateway key without a key server.
///
/// A client hashes the lowercased local part with SHA-1, writes the hash in
/// z-base-32 and fetches, for `security@example.org`:
/// - advanced: `https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/<hash>?l=security`
/// - direct (when the advanced host has no DNS record): `https://example.org/.well-known/openpgpkey/hu/<hash>?l=security`
///
/// The `?l=` query carries the local part unhashed, for servers that keep keys
/// by name; a static web server ignores it, so plain files serve both. Each file
/// is the binary (not armored) public key. Both layouts are written: serve the
/// output directory as `https://<domain>/` and as `https://openpgpkey.<domain>/`.
/// https://datatracker.ietf.org/doc/draft-koch-openpgp-webkey-service/ §3.1
public enum WebKeyDirectory {
  /// z-base-32's alphabet, ordered so that the likelier characters are the easier ones.
  /// https://philzimmermann.com/docs/human-oriented-base-32-encoding.txt
  static let alphabet = Array("ybndrfg8ejkmcpqxot1uwisza345h769")

  /// z-base-32 of `bytes`, most significant bit first; a last group of fewer
  /// than five bits is padded with zero bits (20 bytes → 32 characters).
  public static func zBase32<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
    var out = ""
    var buffer: UInt32 = 0
    var bits = 0
    for byte in bytes {
      buffer = (buffer << 8) | UInt32(byte)
      bits += 8
      while bits >= 5 {
        bits -= 5
        out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1F)])
      }
      buffer &= (1 << UInt32(bits)) - 1
    }
    if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
    return out
  }

  /// The WKD hash of a local part: z-base-32 of the SHA-1 of the local part with
  /// ASCII upper case mapped to lower case (the draft maps nothing else).
  public static func hash(localPart: String) -> String {
    let lowered = Array(localPart.utf8).map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
    return zBase32(Array(Insecure.SHA1.hash(data: lowered)))
  }

  /// The local part and the (ASCII-lowercased) domain of `address`.
  static func split(_ address: String) throws(PublicationError) -> (localPart: String, domain: String) {
    guard let at = address.lastIndex(of: "@") else { throw .invalidAddress(address) }
    let localPart = String(address[..<at])
    let domain = address[address.index(after: at)...].lowercased()
    guard !localPart.isEmpty, !domain.isEmpty, !domain.contains("/"), !domain.hasPrefix("."), !domain.contains(".."),
          domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
    else { throw .invalidAddress(address) }
    return (localPart, domain)
  }

  /// The policy file clients fetch first (both layouts). An empty policy is valid;
  /// the draft lets lines starting with "#" be comments.
  static func policy(address: String, localPart: String) -> [UInt8] {
    Array("""
      # OpenPGP Web Key Directory policy for \(address) (draft-koch-openpgp-webkey-service).
      # Keys are under hu/, named by the z-base-32 SHA-1 of the lowercased local part;
      # clients add ?l=\(localPart) to the URL, which a static server ignores.

      """.utf8)
  }

  /// The files for `address` with the binary public key `key`, both layouts.
  public static func files(address: String, key: [UInt8]) throws(PublicationError) -> [PublishedFile] {
    let (localPart, domain) = try split(address)
    let hash = hash(localPart: localPart)
    let policy = policy(address: address, localPart: localPart)
    return [
      PublishedFile(path: ".well-known/openpgpkey/\(domain)/hu/\(hash)", contents: key),
      PublishedFile(path: ".well-known/openpgpkey/\(domain)/policy", contents: policy),
      PublishedFile(path: ".well-known/openpgpkey/hu/\(hash)", contents: key),
      PublishedFile(path: ".well-known/openpgpkey/policy", contents: policy),
    ]
  }
}
