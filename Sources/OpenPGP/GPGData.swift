import CGPGME

/// One `gpgme_data_t` buffer, released in `deinit`.
final class GPGData {
  private(set) var handle: gpgme_data_t?

  /// An empty buffer for GPGME to write into.
  init() throws(OpenPGPError) {
    var data: gpgme_data_t?
    try GPGContext.check(gpgme_data_new(&data), "gpgme_data_new")
    handle = data
  }

  /// A buffer holding a copy of `bytes` (GPGME copies, so nothing escapes the closure).
  init(_ bytes: [UInt8]) throws(OpenPGPError) {
    var data: gpgme_data_t?
    let code = bytes.withUnsafeBufferPointer { buffer in
      buffer.baseAddress.map { base in
        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { gpgme_data_new_from_mem(&data, $0, buffer.count, 1) }
      } ?? gpgme_data_new(&data)
    }
    try GPGContext.check(code, "gpgme_data_new_from_mem")
    handle = data
  }

  /// Takes the buffer's bytes and releases it. Call at most once.
  func take() -> [UInt8] {
    guard let handle else { return [] }
    self.handle = nil
    var length = 0
    guard let memory = gpgme_data_release_and_get_mem(handle, &length) else { return [] }
    defer { gpgme_free(memory) }
    return memory.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
  }

  /// Drops whatever GPGME wrote, e.g. the partial plaintext of a failed decryption.
  func discard() {
    guard let handle else { return }
    self.handle = nil
    var length = 0
    if let memory = gpgme_data_release_and_get_mem(handle, &length) {
      memset(memory, 0, length)
      gpgme_free(memory)
    }
  }

  deinit { discard() }
}

import Glibc

/// A GPGME output buffer that refuses to grow past `limit` bytes.
///
/// A compressed OpenPGP message can expand a thousandfold (a compression bomb);
/// gpg stops once our write callback fails, and the operation reports an error.
final class BoundedOutput {
  private(set) var handle: gpgme_data_t?
  private let sink: Sink
  /// The callbacks struct must stay at a fixed address while the data object lives.
  private let callbacks: UnsafeMutablePointer<gpgme_data_cbs>

  final class Sink {
    var bytes: [UInt8] = []
    let limit: Int
    var exceeded = false
    init(limit: Int) { self.limit = limit }
  }

  /// `expected`: a guess of the output size (the input's), reserved up front so that a
  /// large plaintext does not pass through a doubling array of twice its size.
  init(limit: Int, expected: Int = 0) throws(OpenPGPError) {
    sink = Sink(limit: limit)
    if expected > 0 { sink.bytes.reserveCapacity(min(expected, limit)) }
    (handle, callbacks) = try callbackData(gpgme_data_cbs(read: nil, write: boundedWrite, seek: nil, release: nil),
                                           hook: Unmanaged.passUnretained(sink).toOpaque())
  }

  var exceeded: Bool { sink.exceeded }

  /// The bytes written; the buffer is then empty.
  func take() -> [UInt8] {
    defer { sink.bytes = [] }
    return sink.bytes
  }

  /// Wipes what was written, e.g. the partial plaintext of a failed decryption.
  func discard() {
    wipe(&sink.bytes)
  }

  deinit {
    if let handle { gpgme_data_release(handle) }
    callbacks.deallocate()
    discard()
  }
}

private let boundedWrite: gpgme_data_write_cb_t = { hook, buffer, size in
  guard let hook, let buffer else { return -1 }
  let sink = Unmanaged<BoundedOutput.Sink>.fromOpaque(hook).takeUnretainedValue()
  if sink.bytes.count + size > sink.limit {
    sink.exceeded = true
    errno = EFBIG
    return -1
  }
  sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: size))
  return size
}

/// Overwrites `bytes` with zeros and empties it: plaintext or a passphrase must not linger
/// in freed memory.
func wipe(_ bytes: inout [UInt8]) {
  bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
  bytes = []
}

/// Input for gpg read straight out of a Swift array through GPGME callbacks:
/// `gpgme_data_new_from_mem` would copy it first, and a mail can be 50 MB.
final class GPGInput {
  private(set) var handle: gpgme_data_t?
  private let source: Source
  private let callbacks: UnsafeMutablePointer<gpgme_data_cbs>

  final class Source {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
  }

  init(_ bytes: [UInt8]) throws(OpenPGPError) {
    source = Source(bytes)
    (handle, callbacks) = try callbackData(gpgme_data_cbs(read: inputRead, write: nil, seek: inputSeek, release: nil),
                                           hook: Unmanaged.passUnretained(source).toOpaque())
  }

  deinit {
    if let handle { gpgme_data_release(handle) }
    callbacks.deallocate()
  }
}

private let inputRead: gpgme_data_read_cb_t = { hook, buffer, size in
  guard let hook, let buffer else { return -1 }
  let source = Unmanaged<GPGInput.Source>.fromOpaque(hook).takeUnretainedValue()
  let count = min(size, source.bytes.count - source.offset)
  guard count > 0 else { return 0 }
  source.bytes.withUnsafeBufferPointer { all in
    buffer.copyMemory(from: UnsafeRawPointer(all.baseAddress! + source.offset), byteCount: count)
  }
  source.offset += count
  return count
}

private let inputSeek: gpgme_data_seek_cb_t = { hook, offset, whence in
  guard let hook else { return -1 }
  let source = Unmanaged<GPGInput.Source>.fromOpaque(hook).takeUnretainedValue()
  let base: Int
  switch whence {
  case SEEK_SET: base = 0
  case SEEK_CUR: base = source.offset
  case SEEK_END: base = source.bytes.count
  default:
    errno = EINVAL
    return -1
  }
  let target = base + Int(offset)
  guard target >= 0, target <= source.bytes.count else {
    errno = EINVAL
    return -1
  }
  source.offset = target
  return off_t(target)
}

/// A GPGME data object served by `functions`, which must outlive it: the caller owns both
/// the handle and the callback table (freed after `gpgme_data_release`).
private func callbackData(_ functions: gpgme_data_cbs, hook: UnsafeMutableRawPointer)
  throws(OpenPGPError) -> (gpgme_data_t?, UnsafeMutablePointer<gpgme_data_cbs>) {
  let callbacks = UnsafeMutablePointer<gpgme_data_cbs>.allocate(capacity: 1)
  callbacks.initialize(to: functions)
  var data: gpgme_data_t?
  let code = gpgme_data_new_from_cbs(&data, callbacks, hook)
  if code != 0 {
    callbacks.deallocate()
    try GPGContext.check(code, "gpgme_data_new_from_cbs")
  }
  return (data, callbacks)
}
