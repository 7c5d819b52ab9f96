/// libFuzzer target for finding ASCII armor in text: `scripts/fuzz.sh armor`.
///
/// Compiled with Sources/Gateway/Armor.swift alone (it needs nothing else from the
/// Gateway module). Blocks must lie inside the text, in order, without overlap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
  var end = 0
  for block in Armor.blocks(in: bytes) {
    precondition(block.range.lowerBound >= end && block.range.upperBound <= bytes.count, "a block outside the text")
    precondition(block.normalized.count <= block.range.count, "normalising made a block longer")
    end = block.range.upperBound
  }
  _ = Armor.normalize(bytes[...])
  _ = String(decoding: bytes, as: UTF8.self).trimmingTrailing()
  return 0
}
