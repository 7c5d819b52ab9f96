/// libFuzzer target for the MIME parser: `scripts/fuzz.sh mime`.
///
/// Compiled into the MIME module itself (see scripts/fuzz.sh), so it reaches the
/// same code the gateway runs on every mail: parse with the default limits, then
/// every accessor the gateway uses on every part.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
  // Small limits so a fuzzer input reaches them quickly; the code paths are the same.
  let limits = MIMELimits(maxMessageBytes: 1 << 20, maxHeaderBytes: 4096, maxParts: 64, maxDepth: 8)
  guard let message = try? MIMEMessage.parse(bytes, limits: limits) else { return 0 }
  for part in message.allParts {
    _ = message.decodedBody(of: part)
    _ = message.text(of: part)
    _ = message.canonicalBytes(of: part)
    _ = message.rawBytes(of: part)
    _ = part.filename
    _ = part.contentType["charset"]
    _ = part.disposition?.isAttachment
    for field in part.headers.fields { _ = field.decodedValue }
    precondition(message.part(at: part.path) != nil, "a part cannot be found by its own path")
  }
  for name in ["From", "Subject", "Message-ID", "References"] { _ = message.headers[name] }
  return 0
}
