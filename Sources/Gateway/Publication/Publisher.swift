import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OpenPGP

/// One file to publish: a path relative to the web root, and its bytes.
public struct PublishedFile: Sendable, Equatable {
  public let path: String
  public let contents: [UInt8]

  public init(path: String, contents: [UInt8]) {
    self.path = path
    self.contents = contents
  }
}

/// Writes what a web server must serve so that reporters can find the gateway:
/// security.txt (RFC 9116), the public key, the Web Key Directory and the policy
/// pages in English and Dutch.
///
/// Serve the output directory as `publish.baseURL`, and as well as
/// `https://openpgpkey.<domain>/` for the advanced WKD layout. Everything written
/// is public: only the public key is exported, and each export is checked for
/// secret key packets before anything reaches the disk. Files are 0644 and the
/// directories this makes 0755, whatever the umask.
public struct Publisher: Sendable {
  /// Relative paths of the files every publication has.
  public static let securityTxtFile = ".well-known/security.txt"
  public static let keyFile = "pgp-key.asc"

  public let configuration: GatewayConfiguration
  public let publication: PublicationConfiguration
  public let engine: OpenPGPEngine
  /// Fingerprint of the gateway key: the key published, and the key that signs security.txt.
  public let signer: String

  /// `baseURL` (e.g. from `--base-url`) overrides `publish.baseURL`; pass nil to use that.
  public init(configuration: GatewayConfiguration, engine: OpenPGPEngine, signer: String, baseURL: String?) {
    self.init(configuration: configuration, publication: PublicationConfiguration(baseURL: baseURL), engine: engine, signer: signer)
  }

  public init(configuration: GatewayConfiguration, publication: PublicationConfiguration, engine: OpenPGPEngine, signer: String,
              baseURL: String? = nil) {
    self.configuration = configuration
    var publication = publication
    if let baseURL { publication.baseURL = baseURL }
    self.publication = publication
    self.engine = engine
    self.signer = signer
  }

  /// A publisher for the gateway's own key: `gateway.signingKey`, else the gateway key that
  /// `meldpunt keys` recorded, as `meldpunt run` would pick it (never a key found by address).
  public static func open(_ configuration: GatewayConfiguration, publication: PublicationConfiguration,
                          baseURL: String? = nil) async throws(GatewayError) -> Publisher {
    let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
    let signer = try await Gateway.resolveSigner(configuration, engine: engine, store: Gateway.existingStore(configuration))
    return Publisher(configuration: configuration, publication: publication, engine: engine, signer: signer, baseURL: baseURL)
  }

  /// Writes every file under `directory` (made if missing) and returns their paths
  /// relative to it. With `sign`, security.txt is cleartext-signed with the gateway key
  /// (RFC 9116 §2.3), which needs the secret key and its passphrase. Each file is
  /// replaced by a rename, so a web server never serves half a file.
  public func publish(to directory: String, sign: Bool) async throws(PublicationError) -> [String] {
    let files = try await files(sign: sign)
    try Self.makeDirectory(directory)
    for file in files {
      let path = directory + "/" + file.path
      try Self.makeDirectories(under: directory, for: file.path)
      try Self.write(file.contents, to: path)
    }
    return files.map(\.path)
  }

  /// The files `publish` writes, without writing them.
  public func files(sign: Bool, now: Date = Date()) async throws(PublicationError) -> [PublishedFile] {
    let base = try Self.baseURL(publication.baseURL)
    let key = try await publishedKey()
    let fingerprint = key.fingerprint.hex
    let armored: [UInt8]
    let binary: [UInt8]
    do {
      armored = try await engine.exportPublicKey(fingerprint, armored: true)
      binary = try await engine.exportPublicKey(fingerprint, armored: false, minimal: true)
    } catch { throw .openPGP(error) }
    try Self.requirePublicOnly(armored: armored, binary: binary, fingerprint: fingerprint)

    let securityTxt = try SecurityTxt.gateway(configuration, publication: publication, baseURL: base, fingerprint: fingerprint,
                                              keyExpires: key.expiresAt, now: now)
    var securityBytes = Array(try securityTxt.text().utf8)
    if sign {
      do { securityBytes = try await engine.signClear(securityBytes, signer: fingerprint) }
      catch { throw .openPGP(error) }
    }

    var files = [
      PublishedFile(path: Self.securityTxtFile, contents: securityBytes),
      PublishedFile(path: Self.keyFile, contents: armored),
    ]
    files += try WebKeyDirectory.files(address: configuration.address, key: binary)
    let facts = PolicyPage.Facts(
      organisation: configuration.organisation, address: configuration.address, fingerprint: fingerprint,
      keyURL: base + "/" + Self.keyFile, securityTxtURL: base + "/" + Self.securityTxtFile,
      scope: configuration.scope, timeline: configuration.timeline, safeHarbour: configuration.safeHarbour,
      templatesDirectory: configuration.templatesDirectory, securityTxtSigned: sign)
    for language in PolicyPage.Language.allCases {
      let page: PolicyPage
      do { page = try PolicyPage(language: language, facts: facts) }
      catch { throw .configuration(error) }
      files.append(PublishedFile(path: "policy.\(language.rawValue).html", contents: Array(page.html.utf8)))
      files.append(PublishedFile(path: "policy.\(language.rawValue).txt", contents: Array(page.text.utf8)))
    }
    return files
  }

  /// The signer's key, checked to be one reporters can use and WKD clients accept.
  func publishedKey() async throws(PublicationError) -> KeyInfo {
    let wanted = Fingerprint(signer)
    let keys: [KeyInfo]
    do { keys = try await engine.keys(matching: signer) }
    catch { throw .openPGP(error) }
    guard let key = keys.first(where: { $0.fingerprint.matches(wanted) }) ?? (keys.count == 1 ? keys.first : nil) else {
      throw .keyNotFound(signer)
    }
    let fingerprint = key.fingerprint.hex
    if key.revoked { throw .keyUnusable(fingerprint: fingerprint, reason: "revoked") }
    if key.expired { throw .keyUnusable(fingerprint: fingerprint, reason: "expired") }
    if !key.canEncrypt { throw .keyUnusable(fingerprint: fingerprint, reason: "without a valid encryption subkey, so reports cannot be encrypted to it") }
    guard key.emails.contains(where: { $0.caseInsensitiveCompare(configuration.address) == .orderedSame }) else {
      throw .keyLacksAddress(fingerprint: fingerprint, address: configuration.address)
    }
    return key
  }

  /// `https://host[:port][/path]` without a trailing slash, query or fragment.
  static func baseURL(_ configured: String?) throws(PublicationError) -> String {
    guard var url = configured, !url.isEmpty else { throw .missingBaseURL }
    while url.hasSuffix("/") { url.removeLast() }
    guard url.lowercased().hasPrefix("https://"), url.count > "https://".count,
          !url.contains("?"), !url.contains("#"),
          !url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace }),
          let parsed = URL(string: url), parsed.host?.isEmpty == false
    else { throw .invalidBaseURL(configured ?? "") }
    return url
  }

  // MARK: Nothing secret

  /// Refuses exports with secret key packets (tags 5 and 7, RFC 9580 §5.5.1) or that
  /// do not read as OpenPGP packets at all.
  static func requirePublicOnly(armored: [UInt8], binary: [UInt8], fingerprint: String) throws(PublicationError) {
    let text = String(decoding: armored, as: UTF8.self)
    if text.contains("PRIVATE KEY BLOCK") { throw .secretMaterial(fingerprint: fingerprint) }
    guard text.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----"), let tags = packetTags(binary), tags.first == 6 else {
      throw .unreadableExport(fingerprint: fingerprint)
    }
    if tags.contains(5) || tags.contains(7) { throw .secretMaterial(fingerprint: fingerprint) }
  }

  /// The tag of every packet in `data` (RFC 9580 §4.2), or nil when a header is
  /// malformed or a length runs past the end. Keys use no partial lengths.
  static func packetTags(_ data: [UInt8]) -> [UInt8]? {
    var tags: [UInt8] = []
    var index = 0
    while index < data.count {
      let header = data[index]
      guard header & 0x80 != 0 else { return nil }
      index += 1
      let tag: UInt8
      var length = 0
      if header & 0x40 != 0 {
        tag = header & 0x3F
        guard index < data.count else { return nil }
        let first = Int(data[index])
        index += 1
        if first < 192 {
          length = first
        } else if first < 224 {
          guard index < data.count else { return nil }
          length = ((first - 192) << 8) + Int(data[index]) + 192
          index += 1
        } else if first == 255 {
          guard index + 4 <= data.count else { return nil }
          length = data[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
          index += 4
        } else {
          return nil
        }
      } else {
        tag = (header >> 2) & 0x0F
        let octets = [1, 2, 4, 0][Int(header & 0x03)]
        guard octets > 0, index + octets <= data.count else { return nil }
        length = data[index..<(index + octets)].reduce(0) { $0 << 8 | Int($1) }
        index += octets
      }
      guard length <= data.count - index else { return nil }
      index += length
      tags.append(tag)
    }
    return tags
  }

  // MARK: Files

  static func makeDirectory(_ path: String) throws(PublicationError) {
    var info = stat()
    if stat(path, &info) == 0 {
      guard info.st_mode & S_IFMT == S_IFDIR else { throw .cannotWrite(path: path, detail: "it exists and is not a directory") }
      return
    }
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw .cannotWrite(path: path, detail: String(cString: strerror(errno)))
    }
    // mkdir applies the umask; the web server must be able to read the tree.
    _ = chmod(path, 0o755)
  }

  static func makeDirectories(under root: String, for relativePath: String) throws(PublicationError) {
    var current = root
    for component in relativePath.split(separator: "/").dropLast() {
      current += "/" + component
      try makeDirectory(current)
    }
  }

  /// Writes to a temporary file next to `path`, sets 0644, and renames it over `path`.
  static func write(_ bytes: [UInt8], to path: String) throws(PublicationError) {
    let temporary = path + ".tmp-\(getpid())"
    let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard fd >= 0 else { throw .cannotWrite(path: path, detail: String(cString: strerror(errno))) }
    var failure: Int32 = 0
    if fchmod(fd, 0o644) != 0 { failure = errno }
    var written = 0
    while failure == 0 && written < bytes.count {
      let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
      if count < 0 {
        if errno == EINTR { continue }
        failure = errno
      } else {
        written += count
      }
    }
    if failure == 0 && fsync(fd) != 0 { failure = errno }
    if close(fd) != 0 && failure == 0 { failure = errno }
    if failure == 0 && rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      _ = unlink(temporary)
      throw .cannotWrite(path: path, detail: String(cString: strerror(failure)))
    }
  }
}
