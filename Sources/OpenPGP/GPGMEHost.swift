import CGPGME
import Foundation
import Glibc

/// A `meldpunt-gpgme` process: runs decrypt, verify, sign and encrypt-and-sign for this
/// process, so that GPGME forks gpg from a small program instead of from the gateway
/// (why, and the protocol: Sources/meldpunt-gpgme/main.c).
///
/// One request at a time; `GPGMEHosts` hands each to one caller. Any protocol failure
/// (the process died, say) marks the host broken and it is not used again.
///
/// `@unchecked Sendable` is safe: one caller uses a host at a time, and the only other
/// thread (the writer of a large request) touches nothing but the `requests` descriptor.
final class GPGMEHost: @unchecked Sendable {
  let home: String
  private let pid: pid_t
  private let requests: Int32
  private let answers: Int32
  /// What a request can write before the host must read: larger ones are written by a
  /// thread of their own while the answer is read, so that neither side waits forever.
  private let requestCapacity: Int
  private(set) var broken = false
  private var buffer = [UInt8](repeating: 0, count: 65536)
  private var bufferStart = 0
  private var bufferEnd = 0

  /// What went wrong with the host itself (not with the OpenPGP operation); `atStart`
  /// when it could not be started at all or is from another build.
  struct Failure: Error {
    let detail: String
    var atStart = false
  }

  /// The greeting of a host that speaks this protocol (see main.c).
  static let greeting = "meldpunt-gpgme 1"

  init(executable: String, home: String) throws(Failure) {
    self.home = home
    var toHost: [Int32] = [-1, -1]
    var fromHost: [Int32] = [-1, -1]
    guard pipe(&toHost) == 0 else { throw Failure(detail: "pipe: \(String(cString: strerror(errno)))") }
    guard pipe(&fromHost) == 0 else {
      close(toHost[0]); close(toHost[1])
      throw Failure(detail: "pipe: \(String(cString: strerror(errno)))")
    }
    // Our ends must not leak into gpg processes forked meanwhile by other threads.
    _ = fcntl(toHost[1], F_SETFD, FD_CLOEXEC)
    _ = fcntl(fromHost[0], F_SETFD, FD_CLOEXEC)
    // Bigger pipes let most requests (a mail, an acknowledgement) go in one write.
    let pipeSize: Int32 = 1 << 20
    let granted = fcntl(toHost[1], Self.setPipeSize, pipeSize)
    _ = fcntl(fromHost[0], Self.setPipeSize, pipeSize)
    requestCapacity = Int(max(granted, 4096)) - 4096

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toHost[0], 0)
    posix_spawn_file_actions_adddup2(&actions, fromHost[1], 1)
    var child: pid_t = 0
    let arguments = [executable, home]
    let cArguments = arguments.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    let spawned = posix_spawn(&child, executable, &actions, nil, cArguments, environ)
    close(toHost[0])
    close(fromHost[1])
    guard spawned == 0 else {
      close(toHost[1]); close(fromHost[0])
      throw Failure(detail: "cannot start \(executable): \(String(cString: strerror(spawned)))", atStart: true)
    }
    pid = child
    requests = toHost[1]
    answers = fromHost[0]
    let greeting: String
    do {
      greeting = String(decoding: try readBytes(Int(try readNumber())), as: UTF8.self)
    } catch {
      broken = true
      throw Failure(detail: "\(executable) did not start (\(error.detail))", atStart: true)
    }
    guard greeting == Self.greeting else {
      broken = true
      throw Failure(detail: "\(executable) says \"\(greeting.prefix(40))\", this meldpunt needs \"\(Self.greeting)\": "
                      + "install meldpunt and meldpunt-gpgme from the same build", atStart: true)
    }
  }

  /// F_SETPIPE_SZ (Linux), which Glibc's module does not export.
  private static let setPipeSize: Int32 = 1031

  deinit {
    // A broken host may be stuck; a good one ends when its input closes.
    if broken { kill(pid, SIGKILL) }
    close(requests)
    close(answers)
    var status: Int32 = 0
    // Closing its input ends the host; wait so that no zombie is left behind.
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  }

  /// One operation: `fields` after op, passphrase and stamp; `payload` is streamed to gpg.
  /// `limit` bounds the output kept (the host stops gpg past it too).
  func run(_ op: String, passphrase: String?, stamp: String, fields: [[UInt8]], payload: [UInt8],
           limit: Int) throws(Failure) -> GPGMEAnswer {
    guard !broken else { throw Failure(detail: "host already failed") }
    do {
      return try exchange(op, passphrase: passphrase, stamp: stamp, fields: fields, payload: payload, limit: limit)
    } catch {
      broken = true
      throw error
    }
  }

  private func exchange(_ op: String, passphrase: String?, stamp: String, fields: [[UInt8]], payload: [UInt8],
                        limit: Int) throws(Failure) -> GPGMEAnswer {
    var header: [UInt8] = []
    let all = [Array(op.utf8), Array((passphrase ?? "").utf8), Array(stamp.utf8)] + fields
    Self.append(UInt32(all.count), to: &header)
    for field in all {
      Self.append(UInt32(field.count), to: &header)
      header += field
    }
    Self.append(UInt32(payload.count), to: &header)
    defer { wipe(&header) }

    if header.count + payload.count <= requestCapacity {
      try write(header)
      try write(payload)
      return try readAnswer(limit: limit, expected: payload.count)
    }
    // The host answers while it still reads: write from another thread.
    let writing = Writing()
    let writer = Thread { [header, payload] in
      do throws(Failure) {
        try self.write(header)
        try self.write(payload)
      } catch {
        writing.error = error
      }
      writing.done.signal()
    }
    writer.start()
    let answer: Result<GPGMEAnswer, Failure>
    do { answer = .success(try readAnswer(limit: limit, expected: payload.count)) } catch { answer = .failure(error) }
    // A host that stopped answering may still hold its input open: end it, so the writer ends too.
    if case .failure = answer { kill(pid, SIGKILL) }
    writing.done.wait()
    if let error = writing.error { throw error }
    return try answer.get()
  }

  /// The outcome of a writer thread.
  ///
  /// `@unchecked Sendable` is safe: `error` is written before `done` is signalled and read after it is waited for.
  private final class Writing: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var error: Failure?
  }

  private func readAnswer(limit: Int, expected: Int) throws(Failure) -> GPGMEAnswer {
    var output: [UInt8] = []
    // Room for the expected size up front: a large plaintext must not pass through a
    // doubling array of twice its size.
    output.reserveCapacity(min(expected, limit))
    var exceeded = false
    while true {
      let length = Int(try readNumber())
      if length == 0 { break }
      if output.count + length > limit { exceeded = true }
      let chunk = try readBytes(length)
      if !exceeded { output += chunk }
    }
    let count = try readNumber()
    guard count >= 10, count <= 10 + 6 * 64 else { throw Failure(detail: "answer with \(count) fields") }
    var fields: [String] = []
    for _ in 0..<count {
      fields.append(String(decoding: try readBytes(Int(try readNumber())), as: UTF8.self))
    }
    return try GPGMEAnswer(fields: fields, output: output, exceeded: exceeded)
  }

  private func write(_ bytes: [UInt8]) throws(Failure) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { Glibc.write(requests, $0.baseAddress! + offset, bytes.count - offset) }
      if written < 0 {
        if errno == EINTR { continue }
        throw Failure(detail: "writing to meldpunt-gpgme: \(String(cString: strerror(errno)))")
      }
      offset += written
    }
  }

  private func readNumber() throws(Failure) -> UInt32 {
    let bytes = try readBytes(4)
    return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
  }

  private func readBytes(_ count: Int) throws(Failure) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(count)
    while result.count < count {
      if bufferStart == bufferEnd {
        let got = buffer.withUnsafeMutableBytes { Glibc.read(answers, $0.baseAddress!, $0.count) }
        if got < 0 && errno == EINTR { continue }
        guard got > 0 else { throw Failure(detail: "meldpunt-gpgme stopped answering") }
        bufferStart = 0
        bufferEnd = got
      }
      let take = min(count - result.count, bufferEnd - bufferStart)
      result += buffer[bufferStart..<bufferStart + take]
      bufferStart += take
    }
    return result
  }

  private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
  }
}

/// A host's answer, decoded (the fields are listed in Sources/meldpunt-gpgme/main.c).
struct GPGMEAnswer {
  var output: [UInt8]
  let error: gpgme_error_t
  let exceeded: Bool
  let noMDC: Bool
  let isMIME: Bool
  let fileName: String?
  let symmetricAlgorithm: String?
  let recipients: [gpgme_error_t]
  let signingHash: String?
  let signingKey: String?
  let signatures: [GPGContext.RawSignature]

  init(fields: [String], output: [UInt8], exceeded: Bool) throws(GPGMEHost.Failure) {
    func number(_ text: String) throws(GPGMEHost.Failure) -> UInt {
      guard let value = UInt(text) else { throw GPGMEHost.Failure(detail: "not a number in the answer") }
      return value
    }
    func optional(_ text: String) -> String? { text.hasPrefix("=") ? String(text.dropFirst()) : nil }
    self.output = output
    error = gpgme_error_t(try number(fields[0]))
    self.exceeded = exceeded || fields[1] == "1"
    noMDC = fields[2] == "1"
    isMIME = fields[3] == "1"
    fileName = optional(fields[4])
    symmetricAlgorithm = optional(fields[5])
    var statuses: [gpgme_error_t] = []
    for status in fields[6].split(separator: " ") { statuses.append(gpgme_error_t(try number(String(status)))) }
    recipients = statuses
    signingHash = optional(fields[7])
    signingKey = optional(fields[8])
    let count = Int(try number(fields[9]))
    guard fields.count == 10 + 6 * count else { throw GPGMEHost.Failure(detail: "signature fields do not add up") }
    var signatures: [GPGContext.RawSignature] = []
    for index in 0..<count {
      let at = 10 + 6 * index
      signatures.append(GPGContext.RawSignature(
        fpr: optional(fields[at]), status: gpgme_error_t(try number(fields[at + 1])),
        summary: UInt32(try number(fields[at + 2])), hash: fields[at + 3], publicKeyAlgorithm: fields[at + 4],
        timestamp: try number(fields[at + 5])))
    }
    self.signatures = signatures
  }

  /// Wipes the output, e.g. the partial plaintext of a failed decryption.
  mutating func discardOutput() {
    wipe(&output)
  }
}

/// The hosts of this process, per key home: one is started when none is free, and a few
/// are kept for the next operations.
///
/// `@unchecked Sendable` is safe: `idle` is only touched under `lock`, and a host is
/// used by one caller at a time (taken out of `idle` while in use).
final class GPGMEHosts: @unchecked Sendable {
  static let shared = GPGMEHosts()
  /// Independent mails are decrypted and signed at once (two read ahead, two acknowledged:
  /// Gateway.lookAhead and acknowledgementsInFlight); more hosts than this wait idle for nothing.
  static let keptPerHome = 4

  /// `meldpunt-gpgme` beside this program's executable, or nil (GPGME then runs in
  /// this process). `MELDPUNT_GPGME_HOST` names another path, or `none`.
  static let executable: String? = {
    if let named = ProcessInfo.processInfo.environment["MELDPUNT_GPGME_HOST"] {
      return named == "none" || named.isEmpty ? nil : named
    }
    guard let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    let candidate = (own as NSString).deletingLastPathComponent + "/meldpunt-gpgme"
    return access(candidate, X_OK) == 0 ? candidate : nil
  }()

  private let lock = NSLock()
  private var idle: [String: [GPGMEHost]] = [:]

  private init() {
    // A host that dies mid-request must give this process an error on write, not SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
  }

  /// Runs `body` with a host for `home`; a broken host is dropped, a good one kept.
  func with<T>(home: String, executable: String, _ body: (GPGMEHost) throws(GPGMEHost.Failure) -> T) throws(GPGMEHost.Failure) -> T {
    let host: GPGMEHost
    if let free = lock.withLock({ idle[home]?.popLast() }) { host = free } else {
      host = try GPGMEHost(executable: executable, home: home)
    }
    defer {
      if !host.broken {
        lock.withLock {
          if idle[home, default: []].count < Self.keptPerHome { idle[home, default: []].append(host) }
        }
      }
    }
    return try body(host)
  }
}
