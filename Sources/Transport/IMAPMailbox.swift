import CCurl
import Foundation
import Logging

/// A message waiting in the mailbox: its UID and the size the server reports.
public struct MailboxEntry: Sendable, Equatable {
  public let uid: UInt32
  public let size: Int
  public init(uid: UInt32, size: Int) { self.uid = uid; self.size = size }
}

/// The gateway's IMAP mailbox, reached over libcurl.
///
/// One connection is opened lazily and reused for every command (curl keeps the
/// mailbox selected). Messages are only ever moved to another folder, never deleted.
/// Commands run one at a time on the mailbox's own thread.
/// See RFC 9051 and https://curl.se/libcurl/c/CURLOPT_CUSTOMREQUEST.html
public final class IMAPMailbox: Sendable {
  public let endpoint: ServerEndpoint
  private let queue: BlockingQueue
  private let state: CurlHandleBox
  private let logger: Logger
  /// Folders seen to exist: a move need not ask the server first (two round trips per mail).
  private let folders = KnownFolders()

  public init(endpoint: ServerEndpoint, logger: Logger) {
    self.endpoint = endpoint
    self.logger = logger
    self.queue = BlockingQueue(label: "meldpunt.imap")
    self.state = CurlHandleBox()
  }

  /// The UIDs and sizes of every message in the configured mailbox, oldest first.
  /// At most `limit` messages per call: a backlog of thousands is taken in passes, and no
  /// single command or answer grows with the mailbox (libcurl caps an answer at 300 KB).
  public func list(limit: Int = 500) async throws(TransportError) -> [MailboxEntry] {
    let mailbox = endpoint.mailbox
    // How many messages the selected mailbox holds now. ESEARCH COUNT (RFC 4731) answers
    // in a few bytes however large the mailbox is; STATUS must not be used on the selected
    // mailbox (it may not see new mail), and a plain SEARCH lists every UID.
    // The session keeps its view of the mailbox until a command syncs it, and a SEARCH
    // answers from the view it started with: without the NOOP a mail that arrived since the
    // last command waits one more poll (measured: 1–2 s instead of 0–1 s with a 1 s poll).
    _ = try await command("NOOP", mailbox: mailbox)
    let count: Int
    do {
      count = Self.parseMessageCount(try await command("SEARCH RETURN (COUNT) ALL", mailbox: mailbox))
    } catch let error where !error.isTemporary {
      count = Self.parseSearch(try await command("UID SEARCH ALL", mailbox: mailbox)).count
    }
    if count == 0 { return [] }
    var sizes: [UInt32: Int] = [:]
    var first = 1
    let last = min(count, limit)
    while first <= last {
      let end = min(first + 49, last)
      sizes.merge(Self.parseSizes(try await command("FETCH \(first):\(end) (UID RFC822.SIZE)", mailbox: mailbox))) { $1 }
      first = end + 1
    }
    return sizes.keys.sorted().map { MailboxEntry(uid: $0, size: sizes[$0] ?? 0) }
  }

  /// The COUNT of an ESEARCH answer (`* ESEARCH (TAG "A5") COUNT 12`); 0 when absent.
  static func parseMessageCount(_ response: String) -> Int {
    guard let range = response.range(of: "COUNT ") else { return 0 }
    return Int(response[range.upperBound...].prefix { $0.isNumber }) ?? 0
  }

  /// The raw bytes of one message, exactly as the server stores it.
  public func fetch(uid: UInt32, limit: Int, expectedSize: Int = 0) async throws(TransportError) -> [UInt8] {
    let endpoint = self.endpoint
    return try await withCurl { curl throws(TransportError) in
      try curl.set(CURLOPT_URL, Self.url(endpoint, mailbox: endpoint.mailbox) + "/;UID=\(uid)")
      try curl.set(CURLOPT_CUSTOMREQUEST, nil)
      try curl.set(CURLOPT_UPLOAD, 0)
      let sink = ResponseSink(limit: limit, expected: expectedSize)
      let code = curl.perform(write: sink, read: nil)
      if sink.exceeded { throw .messageTooLarge(uid: uid, limit: limit) }
      guard code == CURLE_OK else { throw endpoint.error(code, curl, command: "UID FETCH \(uid)") }
      return sink.bytes
    }
  }

  /// Moves one message to `folder` (creating the folder if needed). RFC 6851 `UID MOVE`.
  public func move(uid: UInt32, to folder: String) async throws(TransportError) {
    try await move(uids: [uid], to: folder)
  }

  /// Moves several messages to `folder` with one `UID MOVE` (creating the folder if needed).
  public func move(uids: [UInt32], to folder: String) async throws(TransportError) {
    guard !uids.isEmpty else { return }
    let command = "UID MOVE \(Self.uidSet(uids)) \(Self.quoted(folder))"
    let known = folders.contains(folder)
    if !known { try await ensureFolder(folder) }
    do {
      _ = try await self.command(command, mailbox: endpoint.mailbox)
    } catch where known && !error.isTemporary {
      // An admin may have deleted or renamed the folder since we last looked.
      folders.forget(folder)
      try await ensureFolder(folder)
      _ = try await self.command(command, mailbox: endpoint.mailbox)
    }
  }

  /// An IMAP sequence set of UIDs (RFC 9051 §9 `sequence-set`), runs written as ranges: `3:7,9,12:13`.
  static func uidSet(_ uids: [UInt32]) -> String {
    var parts: [String] = []
    var sorted = Array(Set(uids)).sorted()[...]
    while let first = sorted.popFirst() {
      var last = first
      while let next = sorted.first, next == last + 1 { last = sorted.removeFirst() }
      parts.append(first == last ? "\(first)" : "\(first):\(last)")
    }
    return parts.joined(separator: ",")
  }

  /// Creates `folder` unless it exists.
  public func ensureFolder(_ folder: String) async throws(TransportError) {
    let listing = try await command("LIST \"\" \(Self.quoted(folder))", mailbox: nil)
    if !listing.contains("* LIST") {
      _ = try await command("CREATE \(Self.quoted(folder))", mailbox: nil)
    }
    folders.remember(folder)
  }

  /// Stores a message in `folder` (used by tests, the demo and reprocessing).
  public func append(_ message: [UInt8], to folder: String) async throws(TransportError) {
    try await ensureFolder(folder)
    let endpoint = self.endpoint
    try await withCurl { curl throws(TransportError) in
      try curl.set(CURLOPT_URL, Self.url(endpoint, mailbox: folder))
      try curl.set(CURLOPT_CUSTOMREQUEST, nil)
      try curl.set(CURLOPT_UPLOAD, 1)
      try curl.set(CURLOPT_INFILESIZE_LARGE, message.count)
      let code = curl.perform(write: nil, read: UploadSource(message))
      try curl.set(CURLOPT_UPLOAD, 0)
      guard code == CURLE_OK else { throw endpoint.error(code, curl, command: "APPEND") }
    }
  }

  /// Checks that the server answers and accepts the login.
  public func checkLogin() async throws(TransportError) {
    _ = try await command("NOOP", mailbox: nil)
  }

  /// Sends one command (to the selected `mailbox`, or none) and returns the untagged response text.
  private func command(_ text: String, mailbox: String?) async throws(TransportError) -> String {
    let endpoint = self.endpoint
    return try await withCurl { curl throws(TransportError) in
      try curl.set(CURLOPT_URL, Self.url(endpoint, mailbox: mailbox))
      try curl.set(CURLOPT_UPLOAD, 0)
      try curl.set(CURLOPT_CUSTOMREQUEST, text)
      let sink = ResponseSink(limit: 16 * 1024 * 1024)
      let code = curl.perform(write: sink, read: nil)
      // A custom request left set would turn the next plain fetch into this command.
      try curl.set(CURLOPT_CUSTOMREQUEST, nil)
      guard code == CURLE_OK else {
        throw endpoint.error(code, curl, command: String(text.prefix(while: { $0 != " " })) + " …")
      }
      return String(decoding: sink.bytes, as: UTF8.self)
    }
  }

  private func withCurl<T: Sendable>(_ body: @escaping @Sendable (CurlEasy) throws(TransportError) -> T) async throws(TransportError) -> T {
    let state = self.state
    let endpoint = self.endpoint
    return try await queue.run { () throws(TransportError) -> T in
      let curl = try state.handle(configuredFor: endpoint)
      do throws(TransportError) {
        return try body(curl)
      } catch {
        // After a broken connection start afresh: new connection, new login, new SELECT.
        if error.isTemporary { state.reset() }
        throw error
      }
    }
  }

  static func url(_ endpoint: ServerEndpoint, mailbox: String?) -> String {
    let base = endpoint.server
    guard let mailbox else { return base + "/" }
    let encoded = mailbox.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;?#"))) ?? mailbox
    return base + "/" + encoded
  }

  /// An IMAP quoted string (RFC 9051 §4.3); CR, LF and NUL cannot be quoted and are dropped.
  static func quoted(_ name: String) -> String {
    let cleaned = name.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }
    var out = "\""
    for scalar in cleaned {
      if scalar == "\"" || scalar == "\\" { out.append("\\") }
      out.unicodeScalars.append(scalar)
    }
    return out + "\""
  }

  static func parseSearch(_ response: String) -> [UInt32] {
    var uids: [UInt32] = []
    for line in response.split(whereSeparator: \.isNewline) where line.hasPrefix("* SEARCH") {
      uids += line.dropFirst("* SEARCH".count).split(separator: " ").compactMap { UInt32($0) }
    }
    return uids.sorted()
  }

  static func parseSizes(_ response: String) -> [UInt32: Int] {
    var sizes: [UInt32: Int] = [:]
    for line in response.split(whereSeparator: \.isNewline) where line.hasPrefix("* ") && line.contains("FETCH") {
      let tokens = line.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ")
        .split(separator: " ").map(String.init)
      var uid: UInt32?
      var size: Int?
      for (index, token) in tokens.enumerated() where index + 1 < tokens.count {
        if token.uppercased() == "UID" { uid = UInt32(tokens[index + 1]) }
        if token.uppercased() == "RFC822.SIZE" { size = Int(tokens[index + 1]) }
      }
      if let uid, let size { sizes[uid] = size }
    }
    return sizes
  }
}

/// Holds the one curl handle of a connection.
///
/// Names of folders known to exist on the server.
///
/// `@unchecked Sendable` is safe: `names` is only touched under `lock`.
final class KnownFolders: @unchecked Sendable {
  private let lock = NSLock()
  private var names: Set<String> = []
  func contains(_ name: String) -> Bool { lock.withLock { names.contains(name) } }
  func remember(_ name: String) { lock.withLock { _ = names.insert(name) } }
  func forget(_ name: String) { lock.withLock { _ = names.remove(name) } }
}

/// `@unchecked Sendable` is safe because the handle is only created and used inside
/// the owner's serial `BlockingQueue`, never from two threads at once.
final class CurlHandleBox: @unchecked Sendable {
  private var curl: CurlEasy?

  func handle(configuredFor endpoint: ServerEndpoint) throws(TransportError) -> CurlEasy {
    if let curl { return curl }
    let made = try CurlEasy()
    try endpoint.configure(made)
    curl = made
    return made
  }

  /// Drops the connection, e.g. after the server went away.
  func reset() { curl = nil }
}
