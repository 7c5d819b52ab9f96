/// A throwaway TLS certificate for 127.0.0.1, made with the openssl CLI.
///
/// The certificate carries the address as a SAN IP entry, because TLS
/// clients (libcurl included) match IP addresses only against `IP:` SANs,
/// never against the common name. Clients trust it through `--cacert` /
/// `CURLOPT_CAINFO` pointing at `certificateFile`.
public struct SelfSignedCertificate: Sendable {
  /// PEM certificate; doubles as the CA file for clients.
  public let certificateFile: String
  /// PEM private key (mode 0600).
  public let keyFile: String

  /// Writes `cert.pem` and `key.pem` (P-256, valid for two days) into `directory`.
  public static func make(in directory: String, ipAddress: String = "127.0.0.1") throws
    -> SelfSignedCertificate
  {
    let certificate = SelfSignedCertificate(
      certificateFile: "\(directory)/cert.pem", keyFile: "\(directory)/key.pem")
    try Command.runChecked(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", certificate.keyFile, "-out", certificate.certificateFile, "-days", "2",
        "-subj", "/CN=\(ipAddress)", "-addext", "subjectAltName=IP:\(ipAddress)",
      ])
    try Files.changeMode(certificate.keyFile, 0o600)
    return certificate
  }
}
