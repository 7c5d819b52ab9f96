import Foundation

/// The gateway's key home and the keyrings kept beside it, one per role, so that nothing a
/// mail brings can land where the gateway's own keys are (issue 18, SECURITY.md "Whom the
/// gateway trusts, and why").
///
/// - the key home itself (`gnupg.home`): the gateway's secret keys, and whatever an admin put
///   there with gpg. Only `meldpunt keys` and the admin change it.
/// - `reporters/`: a GnuPG home of its own holding reporters' public keys offered from outside
///   (attachments, Autocrypt, WKD) and those an admin imported for reporters. Imports from
///   outside run with this folder as gpg's home, so gpg there cannot reach the gateway's keybox
///   or its agent's secret keys.
/// - `team/`: a GnuPG home holding the team's public keys from `team.keyFiles`.
///
/// The key home's gpg reads the two role keyrings as extra keyrings (`keyring` lines in its
/// gpg.conf, written by `prepare()`), so one decryption still checks the signature inside it
/// and one operation still signs and encrypts an acknowledgement.
public struct KeyRoles: Sendable, Equatable {
  public enum Role: String, Sendable, CaseIterable {
    case gateway, reporters, team
  }

  /// `gnupg.home`.
  public let home: String

  public init(home: String) {
    // gpg.conf needs absolute keyring paths: a relative one is taken from the working folder.
    let url = URL(fileURLWithPath: home).standardizedFileURL
    self.home = url.path
  }

  public func path(of role: Role) -> String {
    switch role {
    case .gateway: return home
    case .reporters: return home + "/reporters"
    case .team: return home + "/team"
    }
  }

  /// The keybox gpg keeps in a role's home.
  public func keyring(of role: Role) -> String { path(of: role) + "/pubring.kbx" }

  /// The lines `prepare()` keeps in the key home's gpg.conf, between these markers.
  static let beginMarker = "# meldpunt: role keyrings (written by meldpunt at every start; edit outside this block)"
  static let endMarker = "# meldpunt: end of role keyrings"
  /// What every role home's own gpg.conf says: no network, no random_seed lock (BENCHMARKS.md).
  static let roleConfiguration = "no-random-seed-file\nno-auto-key-retrieve\nauto-key-locate local\n"

  /// Creates the role homes (mode 0700) with their keyboxes, and points the key home's gpg
  /// at their keyrings. Changes nothing that is already as it should be.
  public func prepare() throws(OpenPGPError) {
    for role in [Role.reporters, .team] {
      let path = path(of: role)
      try Self.makeDirectory(path)
      try Self.write(Self.roleConfiguration, to: path + "/gpg.conf", ifDifferent: true)
      // An empty keybox, so the key home's gpg finds every keyring it is told about.
      if !FileManager.default.fileExists(atPath: keyring(of: role)) {
        try GPGContext.createKeybox(home: path)
      }
    }
    let configuration = home + "/gpg.conf"
    let current = FileManager.default.contents(atPath: configuration).map { String(decoding: $0, as: UTF8.self) } ?? ""
    let wanted = Self.withRoleKeyrings(current, keyrings: [keyring(of: .reporters), keyring(of: .team)])
    if wanted != current { try Self.write(wanted, to: configuration, ifDifferent: false) }
  }

  /// `text` (a gpg.conf) with the managed block replaced by one naming `keyrings`.
  static func withRoleKeyrings(_ text: String, keyrings: [String]) -> String {
    var lines: [String] = []
    var inside = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line == beginMarker { inside = true; continue }
      if line == endMarker { inside = false; continue }
      if !inside { lines.append(line) }
    }
    while lines.last == "" { lines.removeLast() }
    lines.append(beginMarker)
    lines += keyrings.map { "keyring \($0)" }
    lines.append(endMarker)
    return lines.joined(separator: "\n") + "\n"
  }

  static func makeDirectory(_ path: String) throws(OpenPGPError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .keyHome("\(path) exists but is not a folder; move it away so the gateway can create its keyring there.") }
      return
    }
    guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
      throw .keyHome("Cannot create \(path): \(String(cString: strerror(errno))). The gateway's user needs write access to `gnupg.home`.")
    }
  }

  static func write(_ text: String, to path: String, ifDifferent: Bool) throws(OpenPGPError) {
    if ifDifferent, let existing = FileManager.default.contents(atPath: path), existing == Data(text.utf8) { return }
    // Written beside and renamed, so gpg never reads half a file.
    let temporary = path + ".meldpunt-new"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]),
          rename(temporary, path) == 0 else {
      throw .keyHome("Cannot write \(path): \(String(cString: strerror(errno))). The gateway's user needs write access to `gnupg.home`.")
    }
  }
}
