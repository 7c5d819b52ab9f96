/// libFuzzer target for the report parser: `scripts/fuzz.sh report`.
///
/// Compiled into the Cases module; the parser promises to take any text without
/// failing, in time linear in its size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
  let fields = ReportParser.parse(text)
  // Everything the parser found must come from the text.
  for id in fields.cveIDs + fields.cweIDs { precondition(!id.isEmpty, "an empty identifier") }
  return 0
}
