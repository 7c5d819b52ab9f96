import Foundation
import MeldpuntTesting
import Testing

/// Structured tickets to the security team: encrypted mail with the report only inside,
/// a summary without content for an address without a key, and signed webhooks.
@Suite("Team delivery", .serialized)
struct TeamDeliveryTests {
  static let canary = "CANARY-7e4m-team"
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test("The team gets the ticket encrypted to its keys only; a keyless address gets a summary without content")
  func teamMail() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    // Team member Tess has a key; the ops list has none. The reporter knows neither.
    let teamHome = try GnuPGHome.make()
    defer { teamHome.killAgent() }
    let tess = try teamHome.generateKey(name: "Tess Team", email: "tess@example.org")
    let keyFile = environment.directory + "/team.asc"
    try Data(try teamHome.exportPublic(tess)).write(to: URL(fileURLWithPath: keyFile))
    try teamHome.importKeys(environment.gatewayHome.exportPublic(environment.gatewayFingerprint))
    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(), sections: [
      "team": ["addresses": ["tess@example.org", "ops@example.org"], "keyFiles": [keyFile], "withoutKey": "summary"],
    ])
    try environment.dovecot.append(try ReportMail.pgpMIMEEncrypted(
      from: "rita@reporter.example", to: TestEnvironment.gatewayAddress, subject: "\(Self.canary) subject",
      body: "SQL injection, CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H \(Self.canary)",
      recipientKey: environment.gatewayFingerprint, signer: nil, home: environment.reporterHome))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    let mails = try environment.smtp.waitForMessages(count: 3, timeout: 10)  // acknowledgement + two team mails
    let toTess = try #require(mails.first { $0.recipients == ["tess@example.org"] })
    let toOps = try #require(mails.first { $0.recipients == ["ops@example.org"] })

    let ticket = try SignedMailCheck(toTess.data, home: teamHome)
    #expect(ticket.isEncrypted && ticket.signatureGood)
    #expect(ticket.text.contains(Self.canary))
    #expect(ticket.text.contains("critical"))
    #expect(ticket.decrypted?.allParts.contains { $0.filename?.hasSuffix(".json") == true } == true)
    #expect(!String(decoding: toTess.data, as: UTF8.self).contains(Self.canary), "report content outside the encryption")
    // Nobody else can read it: not the reporter, not the gateway's own key home.
    #expect(try SignedMailCheck(toTess.data, home: environment.reporterHome).decrypted == nil)

    let summary = try SignedMailCheck(toOps.data, home: environment.reporterHome)
    #expect(summary.isMultipartSigned)
    #expect(!String(decoding: toOps.data, as: UTF8.self).contains(Self.canary))
    #expect(summary.text.contains("MP-"))
  }

  @Test("Webhooks get the case JSON with an HMAC over timestamp and body; a replay is refused; failures retry from the outbox")
  func webhooks() throws {
    let environment = try TestEnvironment.start()
    defer { environment.stop() }
    let hookDir = environment.directory + "/hook"
    try FileManager.default.createDirectory(atPath: hookDir, withIntermediateDirectories: true)
    let secretFile = environment.directory + "/hook.secret"
    try Data("s3cr3t-hook-key".utf8).write(to: URL(fileURLWithPath: secretFile))
    let portFile = environment.directory + "/hook.port"
    let receiver = try RunningGateway(binary: "/usr/bin/python3",
                                      arguments: [Self.root.appendingPathComponent("scripts/webhook-sink.py").path, portFile, hookDir, secretFile],
                                      environment: ProcessInfo.processInfo.environment, logFile: environment.directory + "/hook.log")
    defer { _ = receiver.stop(timeout: 5) }
    var waited = 0
    while !FileManager.default.fileExists(atPath: portFile) && waited < 100 { Thread.sleep(forTimeInterval: 0.05); waited += 1 }
    let port = try String(contentsOfFile: portFile, encoding: .utf8)

    let gateway = try GatewaySetup(environment: environment, binary: GatewaySetup.locateBinary(), sections: [
      "webhooks": ["names": ["ops"], "ops": ["url": "http://127.0.0.1:\(port)/meldpunt", "secretFile": secretFile,
                                               "events": ["newCase", "stateChange"]]],
    ])
    try environment.dovecot.append(ReportMail.plain(from: "rita@reporter.example", to: TestEnvironment.gatewayAddress,
                                                    subject: "hook me", body: "finding"))
    #expect(try gateway.run(["process", "--once"]).status == 0)
    #expect(try gateway.run(["cases", "update", "MP-\(CaseWorkTests.year)-0001", "--state", "triaged"]).status == 0)
    let delivered = try FileManager.default.contentsOfDirectory(atPath: hookDir).filter { $0.hasSuffix(".json") }.sorted()
    #expect(delivered.count == 2)
    let body = try Data(contentsOf: URL(fileURLWithPath: hookDir + "/" + delivered[0]))
    #expect(try CaseWorkTests.validate([UInt8](body), schema: "case-export.schema.json") == nil)
    let headers = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: hookDir + "/" + delivered[0] + ".headers"))) as? [String: String])
    #expect(headers["X-Meldpunt-Event"] == "newCase")

    // Replaying the captured request exactly is refused.
    let replay = try Command.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                                   "-H", "Content-Type: application/json",
                                                   "-H", "X-Meldpunt-Timestamp: \(headers["X-Meldpunt-Timestamp"] ?? "")",
                                                   "-H", "X-Meldpunt-Signature: \(headers["X-Meldpunt-Signature"] ?? "")",
                                                   "--data-binary", "@" + hookDir + "/" + delivered[0], "http://127.0.0.1:\(port)/meldpunt"])
    #expect(replay.stdoutText == "409")
    // A forged body with the old signature is refused too.
    let forged = try Command.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                                   "-H", "X-Meldpunt-Timestamp: \(headers["X-Meldpunt-Timestamp"] ?? "")",
                                                   "-H", "X-Meldpunt-Signature: \(headers["X-Meldpunt-Signature"] ?? "")",
                                                   "--data-binary", "{}", "http://127.0.0.1:\(port)/meldpunt"])
    #expect(forged.stdoutText == "401")
    let outbox = try #require(try JSONSerialization.jsonObject(with: Data(try gateway.run(["outbox", "list", "--all", "--json"]).stdout)) as? [[String: Any]])
    #expect(outbox.filter { $0["kind"] as? String == "webhook" && $0["state"] as? String == "sent" }.count == 2)

    // The receiver goes away: the delivery waits in the outbox with the reason.
    _ = receiver.stop(timeout: 5)
    #expect(try gateway.run(["cases", "update", "MP-\(CaseWorkTests.year)-0001", "--state", "accepted"]).status == 0)
    let waiting = try #require(try JSONSerialization.jsonObject(with: Data(try gateway.run(["outbox", "list", "--json"]).stdout)) as? [[String: Any]])
    #expect(waiting.contains { $0["kind"] as? String == "webhook" && $0["state"] as? String == "pending" })
  }
}
