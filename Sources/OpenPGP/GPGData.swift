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
