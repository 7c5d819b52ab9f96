import Foundation

/// Refuses to run with secrets that other local users can read.
enum Permissions {
  static func requirePrivate(directory path: String, what: String) throws(GatewayError) {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw .unsafePermissions(path: path, detail: "does not exist: \(what) must be created first (`meldpunt init`)")
    }
    if info.st_mode & 0o077 != 0 {
      throw .unsafePermissions(path: path, detail: "is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))); \(what) must be private: run `chmod 700 \(path)`")
    }
  }

  static func requirePrivate(file path: String, what: String) throws(GatewayError) {
    var info = stat()
    guard stat(path, &info) == 0 else { return }
    if info.st_mode & 0o077 != 0 {
      throw .unsafePermissions(path: path, detail: "is readable by other users (mode \(String(info.st_mode & 0o777, radix: 8))); \(what) must be private: run `chmod 600 \(path)`")
    }
  }
}
