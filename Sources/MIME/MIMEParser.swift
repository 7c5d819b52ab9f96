/// Builds the part tree of a message without recursion.
///
/// Parts are parsed depth first with an explicit stack of half-built parts, so nesting costs
/// heap, not call stack, whatever ``MIMELimits/maxDepth`` is set to. Each multipart body is
/// scanned once for its own delimiters with `memchr` (RFC 2046 §5.1.1), which keeps a 50 MB
/// message well under a second.
struct MIMEParser {
  let buffer: UnsafeBufferPointer<UInt8>
  let limits: MIMELimits
  private var partCount = 0

  init(buffer: UnsafeBufferPointer<UInt8>, limits: MIMELimits) {
    self.buffer = buffer
    self.limits = limits
  }

  /// A part whose header is parsed and whose children are being parsed.
  private struct Frame {
    let path: String
    let depth: Int
    let range: Range<Int>
    let headerRange: Range<Int>
    let bodyRange: Range<Int>
    let headers: Headers
    let contentType: ContentType
    let transferEncoding: TransferEncoding
    let disposition: ContentDisposition?
    let childRanges: [Range<Int>]
    let childDefault: ContentType
    let preamble: Range<Int>?
    let epilogue: Range<Int>?
    var children: [MIMEPart] = []

    func childPath(_ number: Int) -> String {
      path == "/" ? "/\(number)" : "\(path)/\(number)"
    }

    func part() -> MIMEPart {
      MIMEPart(
        path: path, headers: headers, contentType: contentType, transferEncoding: transferEncoding,
        disposition: disposition, range: range, headerRange: headerRange, bodyRange: bodyRange,
        children: children, preamble: preamble, epilogue: epilogue)
    }
  }

  mutating func parseTree() throws(MIMEError) -> MIMEPart {
    var stack = [try frame(range: 0..<buffer.count, path: "/", depth: 0, defaultType: .defaultPlain)]
    while let top = stack.last {
      if top.children.count < top.childRanges.count {
        let number = top.children.count + 1
        let child = try frame(
          range: top.childRanges[number - 1], path: top.childPath(number), depth: top.depth + 1,
          defaultType: top.childDefault)
        stack.append(child)
        continue
      }
      let finished = top.part()
      stack.removeLast()
      guard !stack.isEmpty else { return finished }
      stack[stack.count - 1].children.append(finished)
    }
    preconditionFailure("the root frame is never popped without returning")
  }

  /// Parses one part's header and finds the ranges of its children.
  private mutating func frame(
    range: Range<Int>, path: String, depth: Int, defaultType: ContentType
  ) throws(MIMEError) -> Frame {
    guard depth <= limits.maxDepth else { throw .tooDeep(limit: limits.maxDepth) }
    partCount += 1
    guard partCount <= limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }

    let (headerRange, bodyRange) = try splitHeader(range)
    let headers = Headers.parse(buffer, headerRange)
    let contentType = headers.first("Content-Type").map { ContentType.parse(bytes: $0.unfoldedBytes) } ?? defaultType
    let transferEncoding = TransferEncoding.parse(headers.first("Content-Transfer-Encoding")?.unfoldedValue)
    let disposition = headers.first("Content-Disposition").map { ContentDisposition.parse(bytes: $0.unfoldedBytes) }

    var childRanges: [Range<Int>] = []
    var preamble: Range<Int>?
    var epilogue: Range<Int>?
    var childDefault = ContentType.defaultPlain
    if contentType.type == "multipart", let boundary = contentType["boundary"], !boundary.isEmpty {
      if let split = try splitMultipart(bodyRange, delimiter: Array("--\(boundary)".utf8)) {
        (childRanges, preamble, epilogue) = (split.parts, split.preamble, split.epilogue)
      }
      if contentType.subtype == "digest" { childDefault = .defaultDigestPart }
    } else if contentType.type == "message", contentType.subtype == "rfc822" || contentType.subtype == "global",
      transferEncoding.isIdentity, !bodyRange.isEmpty
    {
      childRanges = [bodyRange]
    }
    return Frame(
      path: path, depth: depth, range: range, headerRange: headerRange, bodyRange: bodyRange,
      headers: headers, contentType: contentType, transferEncoding: transferEncoding, disposition: disposition,
      childRanges: childRanges, childDefault: childDefault, preamble: preamble, epilogue: epilogue)
  }

  /// Splits a part at its first empty line. The header may not exceed
  /// ``MIMELimits/maxHeaderBytes``; line searches stop there, so a huge part without an empty
  /// line is rejected without being scanned.
  private func splitHeader(_ range: Range<Int>) throws(MIMEError) -> (header: Range<Int>, body: Range<Int>) {
    let maxHeader = max(0, limits.maxHeaderBytes)
    let scanEnd = range.count > maxHeader ? range.lowerBound + maxHeader + 1 : range.upperBound
    var lineStart = range.lowerBound
    while lineStart < range.upperBound {
      var bodyStart: Int?
      if buffer[lineStart] == ASCII.lf {
        bodyStart = lineStart + 1
      } else if buffer[lineStart] == ASCII.cr, lineStart + 1 < range.upperBound, buffer[lineStart + 1] == ASCII.lf {
        bodyStart = lineStart + 2
      }
      if let bodyStart {
        guard lineStart - range.lowerBound <= maxHeader else { throw .headerTooLarge(limit: limits.maxHeaderBytes) }
        return (range.lowerBound..<lineStart, bodyStart..<range.upperBound)
      }
      guard let lf = buffer.firstIndex(of: ASCII.lf, from: lineStart, to: scanEnd) else {
        guard scanEnd == range.upperBound else { throw .headerTooLarge(limit: limits.maxHeaderBytes) }
        break
      }
      lineStart = lf + 1
    }
    guard range.count <= maxHeader else { throw .headerTooLarge(limit: limits.maxHeaderBytes) }
    return (range, range.upperBound..<range.upperBound)
  }

  /// Finds the body parts of a multipart body (RFC 2046 §5.1.1), or nil when no delimiter line
  /// exists (the multipart is then one opaque part). A missing close delimiter ends the last
  /// part at the end of `body`.
  private func splitMultipart(
    _ body: Range<Int>, delimiter: [UInt8]
  ) throws(MIMEError) -> (parts: [Range<Int>], preamble: Range<Int>, epilogue: Range<Int>?)? {
    guard var current = findDelimiter(delimiter, in: body, from: body.lowerBound) else { return nil }
    let preamble = body.lowerBound..<buffer.lineBreakStart(before: current.lineStart, notBelow: body.lowerBound)
    var parts: [Range<Int>] = []
    while !current.isClose {
      let partStart = current.next
      guard let next = findDelimiter(delimiter, in: body, from: partStart) else {
        parts.append(partStart..<body.upperBound)
        break
      }
      parts.append(partStart..<buffer.lineBreakStart(before: next.lineStart, notBelow: partStart))
      // Counting here, before the children are parsed, stops a body of a million delimiters early.
      guard partCount + parts.count <= limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }
      current = next
    }
    let epilogue = current.isClose ? current.next..<body.upperBound : nil
    return (parts, preamble, epilogue)
  }

  /// The first delimiter line at or after `start` (which must be a line start) in `body`:
  /// `--boundary` or `--boundary--` at the start of a line, then optional spaces and tabs, then
  /// a line break or the end of `body`. `next` is the index after the line.
  private func findDelimiter(
    _ delimiter: [UInt8], in body: Range<Int>, from start: Int
  ) -> (lineStart: Int, next: Int, isClose: Bool)? {
    if let line = delimiterLine(delimiter, at: start, end: body.upperBound) {
      return (start, line.next, line.isClose)
    }
    var found: (next: Int, isClose: Bool)?
    let lineStart = buffer.firstDashDashLine(from: start, to: body.upperBound) { candidate in
      found = delimiterLine(delimiter, at: candidate, end: body.upperBound)
      return found != nil
    }
    guard let lineStart, let found else { return nil }
    return (lineStart, found.next, found.isClose)
  }

  private func delimiterLine(_ delimiter: [UInt8], at start: Int, end: Int) -> (next: Int, isClose: Bool)? {
    guard start >= 0, start <= end, end - start >= delimiter.count, let last = delimiter.last,
      buffer[start + delimiter.count - 1] == last
    else { return nil }
    for offset in 0..<delimiter.count where buffer[start + offset] != delimiter[offset] { return nil }
    var index = start + delimiter.count
    var isClose = false
    if index + 1 < end, buffer[index] == ASCII.hyphen, buffer[index + 1] == ASCII.hyphen {
      isClose = true
      index += 2
    }
    while index < end, ASCII.isWSP(buffer[index]) { index += 1 }
    if index == end { return (end, isClose) }
    if buffer[index] == ASCII.lf { return (index + 1, isClose) }
    if buffer[index] == ASCII.cr {
      if index + 1 == end { return (end, isClose) }
      if buffer[index + 1] == ASCII.lf { return (index + 2, isClose) }
    }
    return nil
  }
}
