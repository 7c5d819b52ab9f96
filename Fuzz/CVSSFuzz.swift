/// libFuzzer target for CVSS vectors: `scripts/fuzz.sh cvss`.
///
/// Compiled into the Cases module. Besides not crashing, a vector that scores must
/// score the same again from its normalised form (stored cases are re-scored when read).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
  for score in CVSS.find(in: text) + [try? CVSS.score(text)].compactMap({ $0 }) {
    precondition((0...10).contains(score.baseScore), "a CVSS score out of range")
    guard let again = try? CVSS.score(score.vector) else { preconditionFailure("a normalised vector no longer parses") }
    precondition(again == score, "a normalised vector scores differently")
  }
  return 0
}
