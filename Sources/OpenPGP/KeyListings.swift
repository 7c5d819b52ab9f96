import CGPGME
import Foundation

/// Key listings remembered per key home, so that a mail costs gpg only its decryption
/// and its acknowledgement.
///
/// Every GPGME key listing is a `gpg --list-keys` process forked from the gateway, and
/// a mail needed four of them (signer details after verify, reporter key, recipient and
/// signing key for the acknowledgement) besides its two real operations. The listings
/// are dropped when the key home changes on disk (keyring, trust database or secret key
/// directory, whoever changed it: `meldpunt keys import` runs in another process), when
/// this process changes keys, and after `maxAge`, so that a key expiring while the
/// service runs is seen as expired soon after.
///
/// `@unchecked Sendable` is safe: `entries` and `stamps` are only touched under `lock`,
/// and key references are added under it before a key leaves the cache.
final class KeyListings: @unchecked Sendable {
  static let shared = KeyListings()
  static let maxAge: Duration = .seconds(60)
  /// More distinct queries than this (a flood of new reporters) starts the cache afresh.
  static let maxEntries = 2_000

  private struct Query: Hashable {
    let home: String
    let pattern: String
    let secret: Bool
  }

  /// Holds one reference to each listed key, released when the listing is dropped.
  private final class Entry {
    let keys: [gpgme_key_t]
    let listedAt: ContinuousClock.Instant
    init(_ keys: [gpgme_key_t]) {
      self.keys = keys
      listedAt = .now
    }
    deinit { keys.forEach { gpgme_key_unref($0) } }
  }

  private let lock = NSLock()
  private var entries: [Query: Entry] = [:]
  private var stamps: [String: KeyHomeStamp] = [:]

  /// The keys matching `pattern` (all keys when empty), each with a reference the caller
  /// owns. `list` runs the real listing when nothing fresh is remembered; nil from it
  /// (a failed listing) is passed on and not remembered.
  func keys(home: String, pattern: String, secret: Bool, list: () -> [gpgme_key_t]?) -> [gpgme_key_t]? {
    let query = Query(home: home, pattern: pattern, secret: secret)
    let stamp = KeyHomeStamp(home: home)
    let remembered: [gpgme_key_t]? = lock.withLock {
      if stamps[home] != stamp {
        dropLocked(home: home)
        stamps[home] = stamp
      }
      guard let entry = entries[query], entry.listedAt.duration(to: .now) < Self.maxAge else { return nil }
      entry.keys.forEach { gpgme_key_ref($0) }
      return entry.keys
    }
    if let remembered { return remembered }
    guard let listed = list() else { return nil }
    listed.forEach { gpgme_key_ref($0) }
    let entry = Entry(listed)
    lock.withLock {
      // Only remember it if the key home did not change while gpg was listing.
      guard stamps[home] == stamp, KeyHomeStamp(home: home) == stamp else { return }
      if entries.count >= Self.maxEntries { entries.removeAll() }
      entries[query] = entry
    }
    return listed
  }

  /// Forgets everything listed for `home`: this process just changed its keys.
  func forget(home: String) {
    lock.withLock {
      dropLocked(home: home)
      stamps[home] = nil
    }
  }

  private func dropLocked(home: String) {
    entries = entries.filter { $0.key.home != home }
  }
}

/// What a key home looks like on disk: enough to tell that a key was imported, changed,
/// deleted or trusted differently since the last look.
struct KeyHomeStamp: Equatable {
  private var files: [FileStamp?]

  /// The stamp as text, for the GPGME host's remembered signing key.
  var token: String {
    files.map { file in file.map { "\($0.device).\($0.inode).\($0.size).\($0.modifiedSeconds).\($0.modifiedNanoseconds)" } ?? "-" }
      .joined(separator: ":")
  }

  private struct FileStamp: Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int
  }

  init(home: String) {
    // The role keyrings beside the key home are read by its gpg too (KeyRoles).
    files = ["pubring.kbx", "pubring.gpg", "trustdb.gpg", "private-keys-v1.d", "reporters/pubring.kbx", "team/pubring.kbx"].map { name in
      var info = stat()
      guard stat("\(home)/\(name)", &info) == 0 else { return nil }
      return FileStamp(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                       modifiedSeconds: info.st_mtim.tv_sec, modifiedNanoseconds: info.st_mtim.tv_nsec)
    }
  }
}
