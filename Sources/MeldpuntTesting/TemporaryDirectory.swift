#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Fresh private directories under /tmp for servers and GnuPG homes.
///
/// Paths stay short on purpose: gpg-agent and Dovecot put Unix sockets inside
/// them, and `sun_path` holds only 108 bytes.
public enum TemporaryDirectory {
  /// Creates `/tmp/<prefix>XXXXXX` with mode 0700 (mkdtemp(3)) and returns it.
  public static func make(prefix: String = "mp-") throws -> String {
    var template = Array("/tmp/\(prefix)XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard made != nil else {
      throw HarnessError.system(call: "mkdtemp(/tmp/\(prefix)XXXXXX)", errno: errno)
    }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Deletes a directory made by `make`, with everything in it.
  public static func remove(_ path: String) {
    Files.removeTree(path)
  }
}
