import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What failed while the benchmark set itself up, in a sentence a person can act on.
struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Whole-file reads and writes that throw `BenchError` with the path.
enum FileIO {
  static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset) }
      if written < 0 {
        if errno == EINTR { continue }
        throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))")
      }
      offset += written
    }
  }

  static func read(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read \(path)") }
    return [UInt8](data)
  }

  /// How many names in a directory do not start with a dot (0 if it does not exist yet),
  /// without making a String of each: the bench counts a mailbox of thousands every 100 ms.
  static func count(_ directory: String) -> Int {
    guard let handle = opendir(directory) else { return 0 }
    defer { closedir(handle) }
    var count = 0
    while let entry = readdir(handle) {
      if entry.pointee.d_name.0 != CChar(UInt8(ascii: ".")) { count += 1 }
    }
    return count
  }

  /// Names in a directory that do not start with a dot; none if it does not exist (yet).
  static func entries(_ directory: String) -> [String] {
    guard let handle = opendir(directory) else { return [] }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if !name.hasPrefix(".") { names.append(name) }
    }
    return names
  }
}

/// A monotonic clock for the measurements.
enum Clock {
  static var now: UInt64 { clock_gettime_nsec_np_monotonic() }

  static func seconds(since start: UInt64) -> Double { Double(now - start) / 1e9 }
  static func milliseconds(since start: UInt64) -> Double { Double(now - start) / 1e6 }

  /// Blocks the thread; used between polls of a file or a process, never to wait for a server.
  static func pause(milliseconds: Double) {
    var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds.truncatingRemainder(dividingBy: 1000) * 1e6))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
  }

  private static func clock_gettime_nsec_np_monotonic() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
  }
}
