#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A TCP port on 127.0.0.1 that was free a moment ago.
///
/// The kernel picks it (bind to port 0), we read it back and close the socket.
/// Another process could take it before the server binds; servers that can
/// bind port 0 themselves (the SMTP sink) do that instead, and `DovecotServer`
/// retries with new ports when its bind fails.
public enum FreePort {
  public static func next() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError.system(call: "socket", errno: errno) }
    defer { posixClose(fd) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0 else { throw HarnessError.system(call: "bind(127.0.0.1:0)", errno: errno) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(fd, $0, &length)
      }
    }
    guard named == 0 else { throw HarnessError.system(call: "getsockname", errno: errno) }
    return UInt16(bigEndian: address.sin_port)
  }

  /// Two distinct free ports (the kernel could hand out the same one twice
  /// once the first socket is closed).
  static func pair() throws -> (UInt16, UInt16) {
    let first = try next()
    var second = try next()
    while second == first { second = try next() }
    return (first, second)
  }

  /// True when something accepts a TCP connection on 127.0.0.1:`port` now.
  public static func isAccepting(_ port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { posixClose(fd) }
    var address = loopback(port: port)
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    return connected == 0
  }

  static func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
    return address
  }
}
