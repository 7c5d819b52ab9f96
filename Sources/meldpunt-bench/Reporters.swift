import Foundation
import MeldpuntTesting

/// One researcher: a key in a GnuPG home of its own, so two gpg processes that
/// encrypt side by side never share a keyring or an agent.
struct Reporter: Sendable {
  let name: String
  let email: String
  let algorithm: GnuPGHome.KeyAlgorithm
  let home: GnuPGHome
  let fingerprint: String

  var from: String { "\(name) <\(email)>" }
  var algorithmName: String { algorithm == .rsa3072 ? "RSA-3072" : "Ed25519" }
}

/// The reporters of a benchmark: half RSA-3072, half Ed25519 keys, each home holding
/// the gateway's public key, and each public key imported into the gateway's home so
/// the gateway finds the signatures good.
enum Reporters {
  private static let people: [(String, String)] = [
    ("Alice Researcher", "alice@research.example.net"), ("Bram de Vries", "bram@hunters.example.com"),
    ("Chen Wei", "chen.wei@lab.example.net"), ("Dana Okafor", "dana@bugbounty.example.com"),
    ("Eva Janssen", "eva.janssen@example.nl"), ("Farid Haddad", "farid@infosec.example.net"),
    ("Grete Nilsen", "grete@pentest.example.com"), ("Hugo Martin", "hugo.martin@example.fr"),
  ]

  /// Makes `rsa` RSA-3072 and `ed25519` Ed25519 reporters, generating the keys `workers` at a time.
  static func make(rsa: Int, ed25519: Int, environment: TestEnvironment, workers: Int) throws -> [Reporter] {
    let plans: [(String, String, GnuPGHome.KeyAlgorithm)] = (0..<(rsa + ed25519)).map { index in
      let person = people[index % people.count]
      let email = index < people.count ? person.1 : person.1.replacingOccurrences(of: "@", with: "+\(index)@")
      // Alternate the algorithms so each encryption worker gets both kinds.
      let algorithm: GnuPGHome.KeyAlgorithm = (index % 2 == 0 && index / 2 < rsa) || index / 2 >= ed25519 ? .rsa3072 : .ed25519
      return (person.0, email, algorithm)
    }
    let gatewayKey = try environment.gatewayHome.exportPublic(environment.gatewayFingerprint)
    let made = try Parallel.map(plans.indices, workers: workers) { index -> Reporter in
      let (name, email, algorithm) = plans[index]
      let home = try GnuPGHome.make()
      let fingerprint = try home.generateKey(name: name, email: email, algorithm: algorithm)
      try home.importKeys(gatewayKey)
      return Reporter(name: name, email: email, algorithm: algorithm, home: home, fingerprint: fingerprint)
    }
    for reporter in made {
      try environment.gatewayHome.importKeys(reporter.home.exportPublic(reporter.fingerprint))
    }
    return made
  }
}
