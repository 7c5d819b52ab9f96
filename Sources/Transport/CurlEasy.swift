import CCurl
import Foundation

/// One libcurl easy handle and the buffers curl keeps pointers to while it lives.
///
/// Reusing one handle keeps the connection (and the IMAP `SELECT`) open across
/// requests; a fresh handle per mail cost about 13 ms here. Not thread-safe: its
/// owner (`IMAPMailbox`, `SMTPSender`) only touches it from its own serial queue.
/// See https://curl.se/libcurl/c/libcurl-easy.html
final class CurlEasy {
  let handle: UnsafeMutableRawPointer
  /// curl writes its human-readable error here (CURLOPT_ERRORBUFFER); owned by this object.
  private let errorBuffer: UnsafeMutablePointer<CChar>
  /// String options are copied by curl (since 7.17), but lists are not: keep them until reset.
  private var lists: [UnsafeMutablePointer<curl_slist>] = []

  static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

  init() throws(TransportError) {
    guard Self.globalInit, let h = curl_easy_init() else {
      throw .setup("libcurl could not be initialised (curl_easy_init failed); is libcurl4 installed?")
    }
    handle = h
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    _ = mp_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
  }

  deinit {
    curl_easy_cleanup(handle)
    for list in lists { curl_slist_free_all(list) }
    errorBuffer.deallocate()
  }

  func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
    try check(mp_curl_setopt_long(handle, option, value), "setting option \(option.rawValue)")
  }

  func set(_ option: CURLoption, _ value: String?) throws(TransportError) {
    let code: CURLcode
    if let value { code = value.withCString { mp_curl_setopt_str(handle, option, $0) } }
    else { code = mp_curl_setopt_ptr(handle, option, nil) }
    try check(code, "setting option \(option.rawValue)")
  }

  func set(_ option: CURLoption, list: [String]) throws(TransportError) {
    var list_: UnsafeMutablePointer<curl_slist>? = nil
    for item in list { list_ = curl_slist_append(list_, item) }
    if let list_ { lists.append(list_) }
    try check(mp_curl_setopt_slist(handle, option, list_), "setting list option \(option.rawValue)")
  }

  /// Runs the transfer. `write` receives response bytes, `read` supplies upload bytes.
  func perform(write: ResponseSink?, read: UploadSource?) -> CURLcode {
    errorBuffer[0] = 0
    if let write {
      _ = mp_curl_setopt_io(handle, CURLOPT_WRITEFUNCTION, curlWrite)
      _ = mp_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(write).toOpaque())
    } else {
      _ = mp_curl_setopt_io(handle, CURLOPT_WRITEFUNCTION, curlDiscard)
      _ = mp_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, nil)
    }
    if let read {
      _ = mp_curl_setopt_io(handle, CURLOPT_READFUNCTION, curlRead)
      _ = mp_curl_setopt_ptr(handle, CURLOPT_READDATA, Unmanaged.passUnretained(read).toOpaque())
    } else {
      _ = mp_curl_setopt_ptr(handle, CURLOPT_READDATA, nil)
    }
    // The sink and source are retained by the caller's stack frame for the whole call.
    let code = withExtendedLifetime((write, read)) { curl_easy_perform(handle) }
    return code
  }

  /// The last error text curl gave, or its generic text for `code`.
  func describe(_ code: CURLcode) -> String {
    let detail = String(cString: errorBuffer)
    if !detail.isEmpty { return detail }
    return String(cString: curl_easy_strerror(code))
  }

  var responseCode: Int {
    var code = 0
    _ = mp_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
    return code
  }

  private func check(_ code: CURLcode, _ what: String) throws(TransportError) {
    if code != CURLE_OK { throw .setup("libcurl refused \(what): \(describe(code))") }
  }
}

/// Collects response bytes, refusing more than `limit` (the transfer then fails with a write error).
final class ResponseSink {
  var bytes: [UInt8] = []
  let limit: Int
  var exceeded = false
  /// `expected`: the size the server announced, so a 35 MB mail is received into one
  /// buffer of its size instead of a doubling array that peaks at twice that.
  init(limit: Int, expected: Int = 0) {
    self.limit = limit
    if expected > 0 { bytes.reserveCapacity(min(expected, limit)) }
  }
}

/// Supplies upload bytes to curl's read callback.
final class UploadSource {
  let bytes: [UInt8]
  var offset = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }
}

private let curlWrite: mp_curl_io_callback = { buffer, size, count, userdata in
  guard let buffer, let userdata else { return 0 }
  let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
  let length = size * count
  if sink.bytes.count + length > sink.limit {
    sink.exceeded = true
    return 0
  }
  buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
  }
  return length
}

private let curlDiscard: mp_curl_io_callback = { _, size, count, _ in size * count }

private let curlRead: mp_curl_io_callback = { buffer, size, count, userdata in
  guard let buffer, let userdata else { return 0 }
  let source = Unmanaged<UploadSource>.fromOpaque(userdata).takeUnretainedValue()
  let length = min(size * count, source.bytes.count - source.offset)
  if length <= 0 { return 0 }
  source.bytes.withUnsafeBufferPointer { all in
    buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
      $0.update(from: all.baseAddress! + source.offset, count: length)
    }
  }
  source.offset += length
  return length
}
