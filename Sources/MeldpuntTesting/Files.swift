import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Small file helpers shared by the servers; everything throws `HarnessError`.
enum Files {
  static func read(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw HarnessError.missingFile(path: path, hint: "it should have been written by the harness")
    }
    return [UInt8](data)
  }

  /// Writes `bytes` to `path` with `mode`; the mode is set before any byte is
  /// written so secrets are never world-readable, even briefly.
  static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw HarnessError.system(call: "open(\(path))", errno: errno) }
    defer { close(fd) }
    guard fchmod(fd, mode) == 0 else {
      throw HarnessError.system(call: "fchmod(\(path))", errno: errno)
    }
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw in
        posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw HarnessError.system(call: "write(\(path))", errno: errno)
      }
      offset += written
    }
  }

  static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
    try write(Array(text.utf8), to: path, mode: mode)
  }

  static func changeOwner(_ path: String, uid: uid_t, gid: gid_t) throws {
    guard posixChown(path, uid, gid) == 0 else {
      throw HarnessError.system(call: "chown(\(path))", errno: errno)
    }
  }

  static func changeMode(_ path: String, _ mode: mode_t) throws {
    guard posixChmod(path, mode) == 0 else {
      throw HarnessError.system(call: "chmod(\(path))", errno: errno)
    }
  }

  /// The last `lines` lines of a log file, for error messages; never throws
  /// because it is only called while another error is being reported.
  static func tail(_ path: String, lines: Int = 25) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      return "(no log at \(path))"
    }
    return tail(text: String(decoding: data, as: UTF8.self), lines: lines)
  }

  static func tail(text: String, lines: Int = 25) -> String {
    let all = text.split(separator: "\n", omittingEmptySubsequences: false)
    let trimmed = all.last == "" ? all.dropLast() : all[...]
    return trimmed.suffix(lines).joined(separator: "\n")
  }

  /// Removes a directory tree the harness created; a failure here is reported
  /// on stderr rather than thrown because it runs from `deinit`.
  static func removeTree(_ path: String) {
    do {
      try FileManager.default.removeItem(atPath: path)
    } catch let error as CocoaError where error.code == .fileNoSuchFile {
      return
    } catch {
      FileHandle.standardError.write(
        Data("MeldpuntTesting: could not remove \(path): \(error)\n".utf8))
    }
  }
}

/// Random secrets for test passwords: hex, so they are safe in URLs, config
/// files and passwd-file lines without quoting.
enum Secret {
  static func hex(bytes: Int = 16) -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<bytes).map { _ in
      let byte = UInt8.random(in: 0...255, using: &generator)
      return String(byte, radix: 16).count == 1
        ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
    }.joined()
  }
}
