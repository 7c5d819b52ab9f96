import MIME
import Testing

/// Every message of the shared interop corpus (real clients' PGP mail) must parse, and every
/// multipart/signed must yield the signed bytes exactly as RFC 3156 §5 defines them.
@Suite("Interop corpus")
struct InteropTests {
  @Test("The corpus is found")
  func corpusFound() {
    #expect(Interop.messages.count >= 50, "no corpus under \(Interop.root.path)")
  }

  @Test("Each message parses", arguments: Interop.messages)
  func parses(path: String) throws {
    let message = try MIMEMessage.parse(try Interop.bytes(path))
    #expect(!message.headers.fields.isEmpty)
    #expect(message.headers.contains("From") || message.headers.contains("To"))
    #expect(message.root.range == 0..<message.bytes.count)
    for part in message.allParts {
      #expect(message.part(at: part.path) == part)
      #expect(part.range.lowerBound == part.headerRange.lowerBound)
      #expect(part.headerRange.upperBound <= part.bodyRange.lowerBound)
      #expect(part.bodyRange.upperBound == part.range.upperBound)
      if part.isMultipart && part.contentType["boundary"] != nil {
        #expect(!part.children.isEmpty, "\(part.path) has no parts")
      }
      for child in part.children {
        #expect(part.bodyRange.contains(child.range.lowerBound) || child.range.lowerBound == part.bodyRange.upperBound)
        #expect(child.range.upperBound <= part.bodyRange.upperBound)
      }
    }
    message.touchEverything()
  }

  @Test("Signed content ends right before the line break that precedes the boundary", arguments: Interop.messages)
  func signedContent(path: String) throws {
    let message = try MIMEMessage.parse(try Interop.bytes(path))
    for part in message.allParts where part.contentType.mimeType == "multipart/signed" {
      let boundary = try #require(part.contentType["boundary"])
      let signed = try #require(part.children.first)
      let delimiter = Array("--\(boundary)".utf8)
      let after = message.bytes[signed.range.upperBound...]
      let crlf = after.starts(with: [0x0D, 0x0A] + delimiter)
      let lf = after.starts(with: [0x0A] + delimiter)
      #expect(crlf || lf, "\(path) \(part.path)")

      let canonical = message.canonicalBytes(of: signed)
      #expect(canonical.count >= signed.range.count)
      #expect(!hasLoneLF(canonical))
      #expect(canonical.last != 0x0A || message.bytes[signed.range].last == 0x0A)
      #expect(!canonical.isEmpty)
    }
  }

  @Test("Known structures of corpus messages")
  func knownStructures() throws {
    let damaged = try MIMEMessage.parse(try Interop.bytes("thunderbird/bob-to-alice-signed-damaged-signature.eml"))
    #expect(damaged.allParts.map(\.path) == ["/", "/1", "/1/1", "/2"])
    #expect(damaged.string(damaged.root.preamble) == "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)")
    #expect(damaged.part(at: "/2")?.filename == "OpenPGP_signature")
    #expect(damaged.part(at: "/1")?.headers["subject"] == "Signed Message")
    #expect(damaged.text(of: try #require(damaged.part(at: "/1/1"))).hasPrefix("Sundays are nothing without callaloo."))

    let nbsp = try MIMEMessage.parse(try Interop.bytes("thunderbird/bob-enc-inline-nbsp-qp.eml"))
    #expect(nbsp.root.transferEncoding == .quotedPrintable)
    #expect(nbsp.text(of: nbsp.root).contains("\u{A0}"))

    let framed = try MIMEMessage.parse(try Interop.bytes("thunderbird/encrypted-and-signed-alice-to-bob-nonascii.eml"))
    #expect(!framed.bytes.starts(with: Array("From ".utf8)))
    #expect(framed.headers["X-Mozilla-Status"] == "0800")
  }

  private func hasLoneLF(_ bytes: [UInt8]) -> Bool {
    bytes.indices.contains { bytes[$0] == 0x0A && ($0 == 0 || bytes[$0 - 1] != 0x0D) }
  }
}
