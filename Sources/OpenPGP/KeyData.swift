/// Names a transferable public key (RFC 9580 §10.1) by its primary key's fingerprint,
/// without importing anything, for the gateway to tell whether a key from WKD or an
/// Autocrypt header is the one it looks for.
public enum KeyData {
  /// The v4 fingerprint of a binary key whose first packet is a version 4 public key
  /// packet (tag 6), read by `OpenPGPPackets`; nil for anything else: armor, a secret key,
  /// damaged data, another key version (the gateway's gpg 2.2 imports v4 keys only).
  /// Packets after the first are not read, so damage there does not hide the name.
  public static func primaryFingerprint(_ binary: [UInt8]) -> Fingerprint? {
    guard Armor.looksBinary(binary) else { return nil }
    var reader = PacketReader(binary)
    do throws(PacketError) {
      guard let first = try reader.next(), first.tag == 6 else { return nil }
      let key = try KeyPacket(first)
      return key.version == 4 ? key.fingerprint : nil
    } catch {
      // "No key here" is this function's whole answer for data that is not one.
      return nil
    }
  }
}
