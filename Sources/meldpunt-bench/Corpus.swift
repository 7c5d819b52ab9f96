import Foundation
import MeldpuntTesting

/// One generated report on disk: the whole mail as a client would send it, and the
/// armored OpenPGP message inside it (what the gpg floor decrypts).
struct CorpusMail: Sendable {
  let mailFile: String
  let ciphertextFile: String
  let bytes: Int
  let plaintextBytes: Int
  let attachmentBytes: Int
  let reporter: String
}

/// The reports of one benchmark run, PGP/MIME signed and encrypted (RFC 3156 §6.2, as
/// Thunderbird sends them) to the gateway key, with the real gpg, in a scratch directory.
struct Corpus: Sendable {
  let directory: String
  let mails: [CorpusMail]
  let seconds: Double

  var totalBytes: Int { mails.reduce(0) { $0 + $1.bytes } }
  var withAttachment: Int { mails.filter { $0.attachmentBytes > 0 }.count }

  /// `count` reports of 2–20 KB of text; every tenth (index 9, 19, …) also carries a
  /// `attachmentBytes` attachment inside the encryption. Mail i is signed by reporter
  /// i mod `reporters.count`. The texts depend only on `seed`.
  static func generate(
    count: Int, seed: UInt64, reporters: [Reporter], gatewayFingerprint: String, workers: Int,
    attachmentBytes: Int = 200_000, attachmentEvery: Int = 10, textBytes: ClosedRange<Int> = 2_000...20_000,
    in directory: String
  ) throws -> Corpus {
    let start = Clock.now
    let mails = try Parallel.map(0..<count, workers: workers) { index -> CorpusMail in
      var random = SeededRandom(seed: seed, index: index)
      let reporter = reporters[index % reporters.count]
      let size = Int.random(in: textBytes, using: &random)
      let text = ReportText(bytes: size, reporterName: reporter.name, random: &random)
      let attachment = (index + 1) % attachmentEvery == 0 ? random.bytes(attachmentBytes) : nil
      return try write(
        index: index, text: text, attachment: attachment, reporter: reporter, seed: seed,
        gatewayFingerprint: gatewayFingerprint, directory: directory)
    }
    return Corpus(directory: directory, mails: mails, seconds: Clock.seconds(since: start))
  }

  /// Builds, encrypts and writes mail `index`.
  static func write(
    index: Int, text: ReportText, attachment: [UInt8]?, reporter: Reporter, seed: UInt64,
    gatewayFingerprint: String, directory: String
  ) throws -> CorpusMail {
    let inner = innerEntity(text: text, attachment: attachment, index: index)
    let armored = MIMEText.crlf(try reporter.home.encrypt(inner, to: [gatewayFingerprint], signer: reporter.fingerprint))
    let boundary = "------------mpbench\(String(seed, radix: 16))x\(index)"
    var mail = MIMEText.headers([
      ("Date", MIMEText.date(Date())),
      ("From", reporter.from),
      ("To", "Security <\(TestEnvironment.gatewayAddress)>"),
      ("Subject", text.subject),
      ("Message-ID", "<bench-\(seed)-\(index)@\(reporter.email.split(separator: "@").last ?? "example.net")>"),
      ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0"),
      ("MIME-Version", "1.0"),
      ("Content-Type", "multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n boundary=\"\(boundary)\""),
    ])
    mail += Array("""
      This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r
      --\(boundary)\r
      Content-Type: application/pgp-encrypted\r
      Content-Description: PGP/MIME version identification\r
      \r
      Version: 1\r
      \r
      --\(boundary)\r
      Content-Type: application/octet-stream; name="encrypted.asc"\r
      Content-Description: OpenPGP encrypted message\r
      Content-Disposition: inline; filename="encrypted.asc"\r
      \r

      """.utf8)
    mail += armored
    mail += Array("\r\n--\(boundary)--\r\n".utf8)
    let stem = "\(directory)/\(String(format: "%06d", index))"
    try FileIO.write(mail, to: stem + ".eml")
    try FileIO.write(armored, to: stem + ".asc")
    return CorpusMail(
      mailFile: stem + ".eml", ciphertextFile: stem + ".asc", bytes: mail.count, plaintextBytes: inner.count,
      attachmentBytes: attachment?.count ?? 0, reporter: reporter.algorithmName)
  }

  /// The MIME entity inside the encryption: the text alone, or text plus attachment in multipart/mixed.
  private static func innerEntity(text: ReportText, attachment: [UInt8]?, index: Int) -> [UInt8] {
    let textPart = Array("Content-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".utf8)
      + MIMEText.crlf(Array(text.body.utf8))
    guard let attachment else { return textPart }
    let boundary = "------------mpbenchmixed\(index)"
    var entity = Array("Content-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n\r\n--\(boundary)\r\n".utf8)
    entity += textPart
    entity += Array("""
      \r
      --\(boundary)\r
      Content-Type: application/octet-stream; name="poc-\(index).tar.gz"\r
      Content-Disposition: attachment; filename="poc-\(index).tar.gz"\r
      Content-Transfer-Encoding: base64\r
      \r

      """.utf8)
    entity += Array(Data(attachment).base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
    entity += Array("\r\n--\(boundary)--\r\n".utf8)
    return entity
  }
}

/// RFC 5322 helpers for the generated mails.
enum MIMEText {
  static func headers(_ fields: [(String, String)]) -> [UInt8] {
    Array((fields.map { "\($0.0): \($0.1)" }.joined(separator: "\r\n") + "\r\n\r\n").utf8)
  }

  /// Bare LF line ends (gpg's armor, Swift string literals) become CRLF, as on the wire.
  static func crlf(_ bytes: [UInt8]) -> [UInt8] {
    var result = [UInt8]()
    result.reserveCapacity(bytes.count + bytes.count / 40)
    var previous: UInt8 = 0
    for byte in bytes {
      if byte == 0x0A && previous != 0x0D { result.append(0x0D) }
      result.append(byte)
      previous = byte
    }
    return result
  }

  /// "Tue, 05 Mar 2024 09:07:01 +0000" (RFC 5322 §3.3).
  static func date(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
    return formatter.string(from: date)
  }
}
