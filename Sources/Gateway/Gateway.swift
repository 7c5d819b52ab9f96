import Cases
import Foundation
import Logging
import MIME
import OpenPGP
import Store
import Synchronization
import Transport

/// What one pass over the inbox did.
public struct RunSummary: Sendable, Equatable {
  public var seen = 0
  public var casesCreated: [String] = []
  public var quarantined = 0
  public var acknowledgementsSent = 0
  public var resumed = 0
  /// Mails added to an existing case instead of opening a new one.
  public var followUps = 0
  /// A problem no retry will solve (a refused passphrase, a missing key, a refused login).
  public var adminMustFix: String?
  /// Mails that could not be finished in this pass (they stay in the inbox and are retried).
  public var unfinished: [String] = []
  public init() {}
}

/// The pipeline and its guarantees, top to bottom, for each mail in the inbox:
///
/// 1. fetch the raw bytes by UID;
/// 2. store them (nothing happens to a mail before it is stored);
/// 3. read it: MIME, decrypt, verify (`ReportReader`);
/// 4. commit a case with its audit event, or a quarantine entry;
/// 5. sign the acknowledgement and commit it to the outbox;
/// 6. send it, and record that it was sent;
/// 7. move the mail to `Processed` or `Quarantine` — only now does it leave the inbox.
///
/// Each step is committed before the next, and every step can be repeated after a
/// crash without effect: the raw mail is found again by its SHA-256, the case by its
/// raw mail, the acknowledgement by its case.
public final class Gateway: Sendable {
  public let configuration: GatewayConfiguration
  public let store: Store
  let mailbox: IMAPMailbox
  /// Connections to the mail server: a pass sends acknowledgements over all of them
  /// (`startSending`); everything else goes over the first.
  let smtpLanes: [SMTPSender]
  let engine: OpenPGPEngine
  let reader: ReportReader
  let signer: String
  /// The team's keys by address, by fingerprint from `team.keyFiles` (never looked up by address).
  let teamKeys: [String: [String]]
  let trust: KeyTrust
  let logger: Logger
  let mail: MailLibrary
  let webhookSender: WebhookSender
  let wkdMisses = AddressSet()
  /// Reporter keys judged in this run, by fingerprint: the weakness, or nil for a strong key (issue 18, point 4).
  let keyStrengths = Mutex<[String: KeyWeakness?]>([:])
  /// Time per pipeline stage.
  public let clock = StageClock()
  /// Moves of the pass in progress, sent to the server together.
  let pendingMoves = PendingMoves()
  /// Acknowledgements of the pass in progress, sent by their own task (`processBatch`).
  let pendingDeliveries = PendingDeliveries()
  /// What every reporter mail may say about the organisation.
  var facts: SenderFacts {
    SenderFacts(organisation: configuration.organisation, policyURL: configuration.policyURL, gatewayKey: signer,
                keyURL: configuration.keyURL, safeHarbour: configuration.safeHarbour, timeZone: configuration.timeline.calendar.timeZone)
  }

  init(configuration: GatewayConfiguration, store: Store, engine: OpenPGPEngine, signer: String, mail: MailLibrary,
       teamKeys: [String: [String]], trust: KeyTrust, logger: Logger) {
    self.configuration = configuration
    self.mail = mail
    self.teamKeys = teamKeys
    self.trust = trust
    webhookSender = WebhookSender(caFile: configuration.imap.caFile)
    self.store = store
    self.engine = engine
    self.signer = signer
    self.logger = logger
    mailbox = IMAPMailbox(endpoint: configuration.imap, logger: logger)
    smtpLanes = (0..<Self.sendingLanes).map { _ in SMTPSender(endpoint: configuration.smtp, logger: logger) }
    reader = ReportReader(engine: engine, limits: configuration.limits, maxDecryptedBytes: configuration.maxDecryptedBytes,
                          acceptPlaintext: configuration.acceptPlaintext, trust: trust)
  }

  /// Opens the database and the key home, after checking that neither is open to other users.
  public static func open(_ configuration: GatewayConfiguration, logger: Logger) async throws(GatewayError) -> Gateway {
    try Permissions.requirePrivate(directory: configuration.gnupgHome, what: "The key home (`gnupg.home`)")
    if FileManager.default.fileExists(atPath: configuration.databasePath) {
      try Permissions.requirePrivate(file: configuration.databasePath, what: "The database (`database.path`)")
    }
    let store: Store
    do { store = try Store(path: configuration.databasePath, keepReportText: configuration.storeReportText) }
    catch { throw .store(error) }
    let engine = OpenPGPEngine(home: configuration.gnupgHome, passphrase: configuration.passphrase)
    do { try engine.roles.prepare() } catch { throw .openPGP(error) }
    let signer = try await resolveSigner(configuration, engine: engine, store: store)
    let mail: MailLibrary
    do { mail = try MailLibrary(directory: configuration.templatesDirectory, defaultLanguage: configuration.mailLanguage) }
    catch { throw .configuration(error) }
    let teamKeys = try await importTeamKeys(configuration, engine: engine)
    let trust: KeyTrust
    do {
      trust = try await KeyTrust.make(engine: engine, store: store, gatewayAddress: configuration.address,
                                      teamAddresses: configuration.team.addresses)
    } catch { throw .openPGP(error) }
    return Gateway(configuration: configuration, store: store, engine: engine, signer: signer, mail: mail, teamKeys: teamKeys,
                   trust: trust, logger: logger)
  }

  /// The team's keys are part of the config: imported (again) at every start into the team's
  /// own keyring, and chosen by the fingerprints in the files, per address their user IDs carry.
  static func importTeamKeys(_ configuration: GatewayConfiguration, engine: OpenPGPEngine) async throws(GatewayError) -> [String: [String]] {
    var fromFiles: [Fingerprint] = []
    for file in configuration.team.keyFiles {
      guard let data = FileManager.default.contents(atPath: file) else {
        throw .configuration(.unreadableFile(key: "team.keyFiles", path: file, detail: "the file does not exist or cannot be read"))
      }
      let imported: OfferedKeyImport
      do { imported = try await engine.importOffered([UInt8](data), into: .team, keepingAddress: nil) } catch {
        if error == .secretKeyMaterial {
          throw .configuration(.unreadableFile(key: "team.keyFiles", path: file, detail: "it holds a secret key; export only the public key (`gpg --export --armor`)"))
        }
        throw .openPGP(error)
      }
      fromFiles += imported.all
    }
    guard !fromFiles.isEmpty else { return [:] }
    let keys: [KeyInfo]
    do { keys = try await engine.keys(in: .team) } catch { throw .openPGP(error) }
    var byAddress: [String: [String]] = [:]
    for key in keys where fromFiles.contains(key.fingerprint) {
      for address in configuration.team.addresses where key.emails.contains(where: { $0.caseInsensitiveCompare(address) == .orderedSame }) {
        byAddress[address.lowercased(), default: []].append(key.fingerprint.hex)
      }
    }
    return byAddress
  }

  /// The key that signs: `gateway.signingKey` (a fingerprint), else the gateway key recorded
  /// last by `keys generate`, `keys rotate`, `keys adopt` or `keys import` (after a rotation
  /// that is the new key; the old one still decrypts). Never a key found by its address: a key
  /// in the key home is the gateway's only once an admin said so (issue 18).
  public static func resolveSigner(_ configuration: GatewayConfiguration, engine: OpenPGPEngine,
                                   store: Store?) async throws(GatewayError) -> String {
    let keys = try await gatewayKeys(configuration, engine: engine, store: store)
    let usable = { (key: KeyInfo) in key.canSign && !key.revoked && !key.expired }
    if let configured = configuration.signingKey {
      guard let key = keys.first(where: { Fingerprint(configured).matches($0.fingerprint) }), usable(key) else {
        throw .openPGP(.signingKeyUnusable(configured))
      }
      return key.fingerprint.hex
    }
    guard let key = keys.last(where: usable) else { throw .noSigningKey(address: configuration.address, home: configuration.gnupgHome) }
    return key.fingerprint.hex
  }

  /// Every key that is the gateway's by an admin's word, as far as its secret part is in the
  /// key home: the keys recorded by `meldpunt keys` in the order they were recorded, then
  /// `gateway.signingKey`. One listing of the key home's secret keys.
  public static func gatewayKeys(_ configuration: GatewayConfiguration, engine: OpenPGPEngine,
                                 store: Store?) async throws(GatewayError) -> [KeyInfo] {
    var wanted: [String] = []
    do { wanted = try await store?.gatewayKeys() ?? [] } catch { throw .store(error) }
    if let configured = configuration.signingKey { wanted.append(configured) }
    let secret: [KeyInfo]
    do { secret = try await engine.keys(secret: true) } catch { throw .openPGP(error) }
    var keys: [KeyInfo] = []
    for fingerprint in wanted {
      if let key = secret.first(where: { Fingerprint(fingerprint).matches($0.fingerprint) }), !keys.contains(key) { keys.append(key) }
    }
    return keys
  }

  /// The database, when there is one already (commands that only read keys, such as
  /// `publish` and `doctor`, do not create it).
  public static func existingStore(_ configuration: GatewayConfiguration) throws(GatewayError) -> Store? {
    guard FileManager.default.fileExists(atPath: configuration.databasePath) else { return nil }
    do { return try Store(path: configuration.databasePath, keepReportText: configuration.storeReportText) }
    catch { throw .store(error) }
  }

  // MARK: One pass

  /// Drains the inbox once: every mail becomes a case or a quarantine entry.
  /// Errors with one mail do not stop the others; a server outage ends the pass.
  public func processOnce() async -> RunSummary {
    var summary = RunSummary()
    await deliverDueOutbox(&summary)
    // A backlog is taken in batches, so memory and IMAP answers stay bounded.
    batches: while true {
      let entries: [MailboxEntry]
      do {
        entries = try await mailbox.list(limit: Self.batchSize)
      } catch {
        // The service logs a change of state once (GatewayService), not every failed poll.
        logger.debug("Cannot read the inbox", metadata: ["error": "\(error)"])
        summary.unfinished.append("inbox: \(error)")
        break batches
      }
      let before = summary.unfinished.count
      await processBatch(entries, &summary)
      // Another batch only when this one was full and went through without trouble.
      if entries.count < Self.batchSize || summary.unfinished.count > before { break }
    }
    // Notices about unreadable mail wait until here (see sendUnreadableNotice).
    await deliverDueOutbox(&summary)
    return summary
  }

  /// How many mails one listing takes; the next batch follows in the same pass.
  static let batchSize = 500

  private func processBatch(_ entries: [MailboxEntry], _ summary: inout RunSummary) async {
    // Only a complete listing tells which interrupted moves did happen.
    if entries.count < Self.batchSize { await completeInterruptedMoves(inbox: entries) }
    // Several mails at a time: while one case is committed, the next two mails are fetched,
    // stored and decrypted, the two cases before are acknowledged (signed and put in the
    // outbox), and the acknowledgements before those go out (gpg runs in its own processes,
    // so both cores work). Each mail still passes every step in order.
    // Up to `lookAhead` mails are read ahead, fewer when they are large: a backlog of big
    // mails must not be held in memory several at a time.
    var ahead: [(task: Task<Result<Prepared, GatewayError>, Never>, size: Int)] = []
    var following = 0
    func readAhead() {
      while following < entries.count, ahead.count < Self.lookAhead,
            ahead.isEmpty || ahead.reduce(0, { $0 + $1.size }) + entries[following].size <= Self.lookAheadBytes {
        let entry = entries[following]
        ahead.append((Task { await prepareResult(entry) }, entry.size))
        following += 1
      }
    }
    readAhead()
    // Acknowledgements are sent by tasks of their own, over `sendingLanes` connections: each
    // starts when the one before it on its connection is done, and the loop goes on committing
    // cases meanwhile (it waits only when `sendsOutstanding` of them are still running: a slow
    // mail server). Mails are filed together once their acknowledgements are out: one UID
    // MOVE for up to `movesPerCommand`.
    pendingMoves.collect(true)
    pendingDeliveries.collect(true)
    defer {
      pendingMoves.collect(false)
      pendingDeliveries.collect(false)
    }
    var sending: [Task<[DeliveryResult], Never>] = []
    var sendsStarted = 0
    // Each sending task follows the one `sendingLanes` places before it, on the same connection.
    func send() {
      let lane = sendsStarted % Self.sendingLanes
      let previous = sending.count >= Self.sendingLanes ? sending[sending.count - Self.sendingLanes] : nil
      guard let next = startSending(after: previous, lane: lane) else { return }
      sending.append(next)
      sendsStarted += 1
    }
    var digests: Set<String> = []
    var acknowledging: [Task<Acknowledged, Never>] = []
    var acknowledged: [Acknowledged] = []
    // Waits for the acknowledgements in progress; `count` adds them to the summary.
    func settle() async {
      while !acknowledging.isEmpty { acknowledged.append(await acknowledging.removeFirst().value) }
    }
    func count(_ summary: inout RunSummary) -> Bool {
      var stop = false
      for done in acknowledged {
        summary.acknowledgementsSent += done.part.acknowledgementsSent
        summary.unfinished += done.part.unfinished
        if let error = done.error, unfinished(error, uid: done.uid, &summary) { stop = true }
      }
      acknowledged = []
      return stop
    }
    for entry in entries {
      summary.seen += 1
      let prepared = ahead.isEmpty ? .failure(.store(.notFound("prepared mail"))) : await ahead.removeFirst().task.value
      readAhead()
      var stop = false
      do {
        if let committed = try await finish(try prepared.get(), &summary, digests: &digests, settle: settle) {
          if acknowledging.count >= Self.acknowledgementsInFlight {
            acknowledged.append(await acknowledging.removeFirst().value)
          }
          acknowledging.append(Task { await acknowledge(committed) })
        }
      } catch {
        stop = unfinished(error, uid: entry.uid, &summary)
      }
      if count(&summary) || stop { break }
      send()
      while sending.count > Self.sendsOutstanding { record(await sending.removeFirst().value, &summary) }
      if pendingMoves.count >= Self.movesPerCommand, !(await flushMoves(&summary)) { break }
    }
    await settle()
    _ = count(&summary)
    // A look-ahead that is no longer wanted still finishes its own (idempotent) steps.
    for (task, _) in ahead { _ = await task.value }
    send()
    for task in sending { record(await task.value, &summary) }
    _ = await flushMoves(&summary)
  }

  /// Counts a mail that could not be finished; true when the pass should stop (an admin
  /// must act, or the server went away).
  private func unfinished(_ error: GatewayError, uid: UInt32, _ summary: inout RunSummary) -> Bool {
    logger.debug("Mail not finished; it stays in the inbox and is retried", metadata: ["imap.uid": "\(uid)", "error": "\(error)"])
    summary.unfinished.append("UID \(uid): \(error)")
    if error.needsAdmin { summary.adminMustFix = error.description; return true }
    if error.isTemporary, case .transport = error { return true }
    return false
  }

  /// A new case, committed; its acknowledgement, filing and team notices are still to do.
  struct CommittedCase: Sendable {
    let made: Case
    let raw: RawMail
    let reading: Reading
    let uid: UInt32
    let log: Logger
  }

  /// What became of a committed case's acknowledgement (`acknowledge(_:)`).
  struct Acknowledged: Sendable {
    let uid: UInt32
    var part = RunSummary()
    var error: GatewayError?
  }

  /// Steps 5 to 7 for a new case, while the next case is committed.
  private func acknowledge(_ committed: CommittedCase) async -> Acknowledged {
    var done = Acknowledged(uid: committed.uid)
    do {
      try await acknowledgeAndFile(committed.made, raw: committed.raw, reading: committed.reading, uid: committed.uid,
                                   summary: &done.part, log: committed.log)
    } catch {
      done.error = error
      return done
    }
    await notifyTeam(.newCase, caseID: committed.made.id)
    await queueWebhooks(.newCase, caseID: committed.made.id)
    return done
  }

  /// What became of one acknowledgement sent by the sending task.
  struct DeliveryResult: Sendable {
    let caseID: CaseID
    let sent: Bool
  }

  /// Sends the acknowledgements queued so far, in order, over connection `lane` once
  /// `previous` (the task before on that lane) is done, and files each mail whose
  /// acknowledgement went out. Nil when nothing is queued.
  private func startSending(after previous: Task<[DeliveryResult], Never>?, lane: Int) -> Task<[DeliveryResult], Never>? {
    let deliveries = pendingDeliveries.take()
    guard !deliveries.isEmpty else { return nil }
    return Task {
      _ = await previous?.value
      var results: [DeliveryResult] = []
      for delivery in deliveries {
        let sent = await deliver(delivery.entry, log: delivery.log, lane: lane)
        // Copies of the same mail that came by meanwhile are filed with it.
        let filings = [delivery.filing] + pendingDeliveries.completed(delivery.entry.id, sent: sent)
        if sent { for filing in filings { _ = pendingMoves.add(filing) } }
        results.append(DeliveryResult(caseID: delivery.caseID, sent: sent))
      }
      return results
    }
  }

  private func record(_ results: [DeliveryResult], _ summary: inout RunSummary) {
    for result in results {
      if result.sent { summary.acknowledgementsSent += 1 }
      else { summary.unfinished.append("\(result.caseID): acknowledgement not sent yet") }
    }
  }

  /// How many mails are fetched, stored and decrypted ahead of the one being committed,
  /// and how large they may be together (one mail is always read ahead, whatever its size).
  static let lookAhead = 2
  static let lookAheadBytes = 4 << 20

  /// How many new cases are acknowledged at once. Acknowledgements of different cases share
  /// nothing but the outbox (one row per case, written in one transaction), and signing one
  /// took as long as committing the next case and a half: one at a time left a core idle.
  static let acknowledgementsInFlight = 2

  /// How many sending tasks may run before the pass waits for the oldest. Each one sends what
  /// was queued since the one before; sending waited for every mail's SMTP round trips (the
  /// receiving server answers DATA after its own disk write) and stalled the pass.
  static let sendsOutstanding = 4

  /// How many connections to the mail server a pass sends acknowledgements over. Each
  /// message waits for the server's round trips (MAIL, RCPT, DATA, and the server's own
  /// disk write before it answers); over one connection that bounded the pass.
  static let sendingLanes = 2

  /// How many filed mails one `UID MOVE` carries at most.
  static let movesPerCommand = 25

  /// What the first steps (fetch, store, read) made of one mail.
  enum Prepared: Sendable {
    /// Over the size limit: not downloaded.
    case oversize(MailboxEntry)
    case stored(MailboxEntry, RawMail, isNew: Bool, reading: Reading?)
  }

  private func prepareResult(_ entry: MailboxEntry) async -> Result<Prepared, GatewayError> {
    do throws(GatewayError) { return .success(try await prepare(entry)) } catch { return .failure(error) }
  }

  /// Steps 1 to 3: fetch, store, read (decrypt and verify) — each committed before the next.
  func prepare(_ entry: MailboxEntry) async throws(GatewayError) -> Prepared {
    // 1. Fetch. A mail over the size limit is not downloaded: it is quarantined as it is.
    if entry.size > configuration.maxMessageBytes { return .oversize(entry) }
    let bytes: [UInt8]
    let fetchStart = ContinuousClock.now
    do { bytes = try await mailbox.fetch(uid: entry.uid, limit: configuration.maxMessageBytes, expectedSize: entry.size) }
    catch let error where error == .messageTooLarge(uid: entry.uid, limit: configuration.maxMessageBytes) {
      return .oversize(entry)
    } catch { throw .transport(error) }
    clock.add(.fetch, since: fetchStart)
    FaultPoint.hit(.afterFetch)

    // 2. Store the raw mail before anything else.
    let sha = ReportReader.sha256(bytes)
    let stored: (mail: RawMail, isNew: Bool)
    let storeStart = ContinuousClock.now
    do {
      stored = try await store.storeRawMail(bytes, sha256: sha, messageID: HeaderScan.messageID(bytes), receivedAt: Date(), imapUID: entry.uid)
    } catch { throw .store(error) }
    clock.add(.store, since: storeStart)
    FaultPoint.hit(.afterStore)

    // 3. Read: only a mail not yet decided.
    guard stored.mail.state == .received else { return .stored(entry, stored.mail, isNew: stored.isNew, reading: nil) }
    let readStart = ContinuousClock.now
    let reading = await reader.read(bytes, receivedAt: stored.mail.receivedAt)
    clock.add(.decryptVerify, since: readStart)
    FaultPoint.hit(.afterDecrypt)
    return .stored(entry, stored.mail, isNew: stored.isNew, reading: reading)
  }

  /// Steps 4 to 7 for a prepared mail, or step 4 alone for a mail that opens a new case:
  /// that case is returned, committed, for `acknowledge(_:)`. Every other kind of mail
  /// first lets the acknowledgement in progress finish (`settle`), so that a second copy of
  /// the same mail, say, finds its case acknowledged.
  ///
  /// `digests` holds the SHA-256 of the mails finished before in this batch.
  func finish(_ prepared: Prepared, _ summary: inout RunSummary, digests: inout Set<String>,
              settle: () async -> Void) async throws(GatewayError) -> CommittedCase? {
    var log = logger
    switch prepared {
    case .oversize(let entry):
      await settle()
      log[metadataKey: "imap.uid"] = "\(entry.uid)"
      try await quarantineUnfetched(entry, log: log)
      summary.quarantined += 1
    case .stored(let entry, let stored, let isNew, let reading):
      log[metadataKey: "imap.uid"] = "\(entry.uid)"
      log[metadataKey: "mail.sha256"] = "\(stored.sha256.prefix(16))"
      if !isNew { summary.resumed += 1 }
      // The look-ahead may have run before an earlier mail with the same bytes was decided,
      // so its state is read again; not for a mail its own look-ahead stored new with no
      // mail of the same bytes before it in this batch: nothing else decides that one.
      let twin = !digests.insert(stored.sha256).inserted
      let raw = isNew && !twin ? stored : (try? await store.rawMail(id: stored.id)) ?? stored
      if raw.state != .received { await settle() }
      switch raw.state {
      case .quarantined:
        try await move(entry.uid, to: configuration.quarantineFolder, rawMailID: raw.id, log: log)
      case .filed:
        // The same bytes again (a duplicate delivery, or a crash right after the move was recorded).
        log.info("Mail already handled; filing the copy", metadata: ["stage": "move"])
        try await move(entry.uid, to: configuration.processedFolder, rawMailID: raw.id, log: log)
      case .cased:
        if let record = try await caseRecord(rawMailID: raw.id) {
          try await acknowledgeAndFile(record.case, raw: raw, reading: nil, uid: entry.uid, summary: &summary, log: log)
        } else {
          // A follow-up already recorded on its case: only the move was left to do.
          try await move(entry.uid, to: configuration.processedFolder, rawMailID: raw.id, log: log)
        }
      case .received:
        let decided: Reading
        if let reading { decided = reading } else {
          let bytes: [UInt8]
          do { bytes = try await store.rawMailBytes(id: raw.id) } catch { throw .store(error) }
          decided = await reader.read(bytes, receivedAt: raw.receivedAt)
        }
        return try await handle(raw, reading: decided, uid: entry.uid, summary: &summary, log: log, settle: settle)
      }
    }
    return nil
  }

  /// Steps 4 to 7 for a mail that was read: a case (or follow-up) or a quarantine entry.
  private func handle(_ raw: RawMail, reading: Reading, uid: UInt32, summary: inout RunSummary, log: Logger,
                      settle: () async -> Void) async throws(GatewayError) -> CommittedCase? {
    switch reading.outcome {
    case .undecryptable(let reason):
      await settle()
      try await quarantine(raw, uid: uid, reason: reason.rawValue, detail: QuarantineReason.describe(reason), log: log)
      summary.quarantined += 1
      return nil
    case .rejected(let reason, let detail):
      await settle()
      try await quarantine(raw, uid: uid, reason: reason, detail: detail, log: log)
      summary.quarantined += 1
      return nil
    case .report(let report):
      let thread = try await thread(of: report, reading: reading)
      if case .follows(let target) = thread {
        await settle()
        try await recordFollowUp(report, reading: reading, raw: raw, on: target, log: log)
        summary.followUps += 1
        await notifyTeam(.followUp, caseID: target.id)
        await queueWebhooks(.followUp, caseID: target.id)
        try await move(uid, to: configuration.processedFolder, rawMailID: raw.id, log: log)
        return nil
      }
      // 4. The case, with its audit event and the signer's key, in one transaction.
      let caseStart = ContinuousClock.now
      let claimed: CaseID? = { if case .claims(let id) = thread { return id }; return nil }()
      let made = try await openCase(raw, report: report, reading: reading, claims: claimed)
      FaultPoint.hit(.afterCase)
      clock.add(.case, since: caseStart)
      log.info("Case created", metadata: ["case.id": "\(made.id)", "pgp.encryption": "\(reading.verdict.encryption.name)",
                                           "pgp.signature": "\(reading.verdict.signature.name)"])
      summary.casesCreated.append(made.id.description)
      return CommittedCase(made: made, raw: raw, reading: reading, uid: uid, log: log)
    }
  }

  /// Steps 5 to 7: the acknowledgement into the outbox, sent, and the mail filed.
  private func acknowledgeAndFile(_ made: Case, raw: RawMail, reading: Reading?, uid: UInt32, summary: inout RunSummary,
                                  log: Logger) async throws(GatewayError) {
    var log = log
    log[metadataKey: "case.id"] = "\(made.id)"
    let filing = PendingMoves.Move(uid: uid, folder: configuration.processedFolder, rawMailID: raw.id)
    switch try await acknowledge(made, raw: raw, reading: reading, log: log) {
    case .notDue: break
    case .queued(let entry):
      // During a pass the acknowledgement is sent while the next mail is committed; the
      // mail is filed once it is out (see `processBatch`).
      switch pendingDeliveries.add(PendingDeliveries.Delivery(entry: entry, caseID: made.id, filing: filing, log: log)) {
      case .taken: return
      case .alreadySent: break  // a second copy of a mail whose acknowledgement went out in this pass
      case .alreadyFailed:
        summary.unfinished.append("\(made.id): acknowledgement not sent yet")
        return  // the mail stays in the inbox until its acknowledgement is out
      case .sendNow:
        guard await deliver(entry, log: log) else {
          summary.unfinished.append("\(made.id): acknowledgement not sent yet")
          return
        }
        summary.acknowledgementsSent += 1
      }
    }
    try await move(uid, to: configuration.processedFolder, rawMailID: raw.id, log: log)
  }

  /// Opens the case of a readable report (or finds it, after a restart) with its details,
  /// timeline and what it says about whom the mail came from (issue 18).
  func openCase(_ raw: RawMail, report: Report, reading: Reading, claims claimed: CaseID? = nil) async throws(GatewayError) -> Case {
    let (details, severity) = details(for: report)
    let timeline = configuration.timeline.propose(receivedAt: raw.receivedAt, severity: severity)
    let key = signerKey(reading)
    let awaited: String? = { if case .unknownKey(let id) = reading.verdict.signature, !id.isEmpty { return id }; return nil }()
    var notes: [String] = []
    let refusals = Set(reading.keyOffer.refusals)
    if !refusals.isEmpty {
      notes.append("A key that came with the mail was not imported: " + refusals.map(\.explanation).sorted().joined(separator: "; ") + ".")
    }
    if reading.verdict.flags.contains(.signerNotPinnedKey) {
      notes.append("The mail is signed by \(reading.verdict.signature.fingerprint ?? "?"), a key with the sender's address that is not the key pinned to that address: the signature is not taken as the reporter's. `meldpunt cases pin-key` with this case's id and the right key's fingerprint settles it.")
    }
    if let claimed { notes.append("The mail names case \(claimed), but it is not from that case's reporter nor signed by its key; it was opened as a case of its own (merge it if it belongs there).") }
    let trust = Store.CaseTrust(signerKey: key, awaitedSigner: awaited, claimedCaseID: claimed, ciphertexts: reading.ciphertexts,
                                notes: notes)
    let opened: Store.OpenedCase
    do {
      opened = try await store.openCase(rawMailID: raw.id, report: report, verdict: reading.verdict, timeline: timeline,
                                        severity: severity, details: details, trust: trust)
    } catch { throw .store(error) }
    if let key { await noteKeyConflict(key, others: opened.otherReporterKeys, address: report.reporterAddress, caseID: opened.case.id) }
    return opened.case
  }

  /// Nothing to send (already sent, or not wanted), or the queued acknowledgement to send.
  enum AcknowledgementState { case notDue, queued(OutboxEntry) }

  /// Queues the acknowledgement once (unless the reply policy forbids one); the caller sends it.
  private func acknowledge(_ made: Case, raw: RawMail, reading: Reading?, log: Logger) async throws(GatewayError) -> AcknowledgementState {
    let existing: [OutboxEntry]
    do { existing = try await store.outbox(caseID: made.id) } catch { throw .store(error) }
    var ack = existing.first { $0.kind == .acknowledgement }
    if ack == nil {
      let headers = try await autoReplyHeaders(reading: reading, rawMailID: raw.id)
      if let reason = ReplyPolicy.refusal(to: made.reporterAddress, headers: headers, gatewayAddress: configuration.address) {
        log.notice("No acknowledgement sent", metadata: ["reason": "\(reason)"])
        do { try await store.recordEvent(caseID: made.id, rawMailID: raw.id, action: "acknowledgement.suppressed", detail: reason) }
        catch { throw .store(error) }
        return .notDue
      }
      ack = try await enqueueAcknowledgement(for: made, raw: raw)
      FaultPoint.hit(.afterQueue)
    }
    guard let entry = ack, entry.state == .pending else { return .notDue }
    return .queued(entry)
  }

  /// What `meldpunt quarantine retry` did.
  public enum RetryOutcome: Sendable, Equatable {
    /// The mail is readable now: a case was opened (and acknowledged when allowed).
    case caseCreated(String)
    /// Still not readable; the reason may have changed.
    case stillQuarantined(reason: String, detail: String)
  }

  /// Reads a quarantined mail again (after importing a missing key, say).
  /// The mail itself stays in the IMAP quarantine folder; the stored raw copy is used.
  public func retry(quarantineID: Int64) async throws(GatewayError) -> RetryOutcome {
    let found: QuarantineEntry?
    do { found = try await store.quarantineEntry(id: quarantineID) } catch { throw .store(error) }
    guard let entry = found else { throw .store(.notFound("Quarantine entry \(quarantineID)")) }
    guard let rawID = entry.rawMailID else {
      return .stillQuarantined(reason: entry.reason, detail: "This mail was never downloaded (\(entry.detail)) Move it from the \(configuration.quarantineFolder) folder back to the inbox after raising the limit.")
    }
    let stored: RawMail?
    let bytes: [UInt8]
    do {
      stored = try await store.rawMail(id: rawID)
      bytes = try await store.rawMailBytes(id: rawID)
    } catch { throw .store(error) }
    guard let raw = stored else { throw .store(.notFound("Raw mail \(rawID)")) }
    var log = logger
    log[metadataKey: "quarantine.id"] = "\(quarantineID)"
    let reading = await reader.read(bytes, receivedAt: raw.receivedAt)
    switch reading.outcome {
    case .undecryptable(let reason):
      do { try await store.resolveQuarantine(id: quarantineID, released: false, reason: reason.rawValue, detail: QuarantineReason.describe(reason)) }
      catch { throw .store(error) }
      return .stillQuarantined(reason: reason.rawValue, detail: QuarantineReason.describe(reason))
    case .rejected(let reason, let detail):
      do { try await store.resolveQuarantine(id: quarantineID, released: false, reason: reason, detail: detail) }
      catch { throw .store(error) }
      return .stillQuarantined(reason: reason, detail: detail)
    case .report(let report):
      let made = try await openCase(raw, report: report, reading: reading)
      do {
        try await store.resolveQuarantine(id: quarantineID, released: true, reason: entry.reason, detail: "released into case \(made.id)")
      } catch { throw .store(error) }
      log.info("Quarantined mail is readable now", metadata: ["case.id": "\(made.id)"])
      if case .queued(let outgoing) = try await acknowledge(made, raw: raw, reading: reading, log: log) {
        _ = await deliver(outgoing, log: log)  // a failed send stays in the outbox for the next pass
      }
      return .caseCreated(made.id.description)
    }
  }

  private func enqueueAcknowledgement(for made: Case, raw: RawMail) async throws(GatewayError) -> OutboxEntry {
    let receipt = Acknowledgement.Receipt(sha256: raw.sha256, receivedAt: raw.receivedAt,
                                          signerFingerprint: made.verdict.signature.fingerprint, parts: made.verdict.parts)
    let text = Acknowledgement(caseID: made.id, timeline: made.timeline, verdict: made.verdict, receipt: receipt, scope: made.scope,
                               texts: mail.texts(for: made.language), facts: facts)
    return try await queueReporterMail(.acknowledgement, for: made, rawMailID: raw.id, subject: text.subject, body: text.body,
                                       replyTo: made.messageID)
  }

  /// Sends one outbox entry (over connection `lane`) and records the result. Returns whether it went out.
  func deliver(_ entry: OutboxEntry, log: Logger, lane: Int = 0) async -> Bool {
    do {
      let sendStart = ContinuousClock.now
      if entry.kind == .webhook {
        try await postWebhook(entry)
      } else {
        try await smtpLanes[lane].send(entry.message, from: configuration.address, to: [entry.recipient])
      }
      clock.add(.send, since: sendStart)
      FaultPoint.hit(.afterSend)
      try await store.markSent(outboxID: entry.id)
      FaultPoint.hit(.afterRecord)
      log.info("Mail sent", metadata: ["outbox.id": "\(entry.id)", "outbox.kind": "\(entry.kind.rawValue)"])
      return true
    } catch let error as TransportError {
      let retryAt: Date? = error.isTemporary
        ? Date().addingTimeInterval(Backoff.delay(attempt: entry.attempts + 1, base: configuration.retrySeconds)) : nil
      log.warning("Sending failed", metadata: ["outbox.id": "\(entry.id)", "error": "\(error)", "retry": "\(retryAt != nil)"])
      try? await store.markAttemptFailed(outboxID: entry.id, error: error.description, retryAt: retryAt)
      return false
    } catch {
      log.error("Could not record the sent mail", metadata: ["outbox.id": "\(entry.id)", "error": "\(error)"])
      return false
    }
  }

  /// A move that was started before a crash and whose mail is no longer in the
  /// inbox did happen: record it. (One still in the inbox is simply handled again.)
  private func completeInterruptedMoves(inbox: [MailboxEntry]) async {
    guard let pending = try? await store.unfinishedMoves(), !pending.isEmpty else { return }
    let present = Set(inbox.map(\.uid))
    for move in pending where move.uid.map({ !present.contains($0) }) ?? true {
      try? await store.markFiled(rawMailID: move.id, folder: move.folder)
      logger.info("Recorded a move that was interrupted", metadata: ["stage": "move", "folder": "\(move.folder)"])
    }
  }

  private func deliverDueOutbox(_ summary: inout RunSummary) async {
    guard let due = try? await store.dueOutbox() else { return }
    for entry in due where await deliver(entry, log: logger) && entry.kind == .acknowledgement { summary.acknowledgementsSent += 1 }
  }

  private func quarantine(_ raw: RawMail, uid: UInt32, reason: String, detail: String, log: Logger) async throws(GatewayError) {
    do { try await store.quarantine(rawMailID: raw.id, imapUID: uid, reason: reason, detail: detail) }
    catch { throw .store(error) }
    log.notice("Mail quarantined", metadata: ["reason": "\(reason)"])
    try await sendUnreadableNotice(raw, log: log)
    try await move(uid, to: configuration.quarantineFolder, rawMailID: raw.id, log: log)
  }

  private func quarantineUnfetched(_ entry: MailboxEntry, log: Logger) async throws(GatewayError) {
    do {
      try await store.quarantine(rawMailID: nil, imapUID: entry.uid, reason: "tooLarge",
                                 detail: "The mail is \(entry.size) bytes, over `limits.maxMessageBytes` (\(configuration.maxMessageBytes)); it was not downloaded and is kept in the \(configuration.quarantineFolder) folder.")
    } catch { throw .store(error) }
    log.notice("Mail over the size limit quarantined", metadata: ["size": "\(entry.size)"])
    do { try await mailbox.move(uid: entry.uid, to: configuration.quarantineFolder) } catch { throw .transport(error) }
  }

  /// Files a mail whose case (or quarantine entry) is committed. During a pass the move
  /// waits in `pendingMoves` and goes to the server with others (`flushMoves`).
  private func move(_ uid: UInt32, to folder: String, rawMailID: Int64, log: Logger) async throws(GatewayError) {
    if pendingMoves.add(PendingMoves.Move(uid: uid, folder: folder, rawMailID: rawMailID)) { return }
    try await move([PendingMoves.Move(uid: uid, folder: folder, rawMailID: rawMailID)])
  }

  /// Moves mails whose cases are committed: recorded as moving, one `UID MOVE` per folder,
  /// recorded as filed. A crash in between is completed after a restart
  /// (`completeInterruptedMoves`), and a mail still in the inbox is simply handled again.
  func move(_ moves: [PendingMoves.Move]) async throws(GatewayError) {
    let moveStart = ContinuousClock.now
    defer { clock.add(.move, since: moveStart, count: moves.count) }
    var folders: [String] = []
    for move in moves where !folders.contains(move.folder) { folders.append(move.folder) }
    let groups = folders.map { folder in (folder, moves.filter { $0.folder == folder }) }
    do {
      for (folder, group) in groups { try await store.markMoving(rawMailIDs: group.map(\.rawMailID), folder: folder) }
      // One sync of the log for everything committed before these mails leave the inbox.
      try await store.makeDurable()
    } catch { throw .store(error) }
    for (folder, group) in groups {
      do { try await mailbox.move(uids: group.map(\.uid), to: folder) } catch { throw .transport(error) }
      FaultPoint.hit(.afterMove)
      do { try await store.markFiled(rawMailIDs: group.map(\.rawMailID), folder: folder) } catch { throw .store(error) }
    }
  }

  /// Sends the moves collected so far.
  private func flushMoves(_ summary: inout RunSummary) async -> Bool {
    let moves = pendingMoves.take()
    guard !moves.isEmpty else { return true }
    do throws(GatewayError) {
      try await move(moves)
      return true
    } catch {
      // The mails stay in the inbox; their cases and acknowledgements are kept, so the
      // next pass only files them.
      logger.debug("Mails not filed yet; they are filed on the next pass", metadata: ["error": "\(error)"])
      summary.unfinished.append("move of \(moves.count) mails: \(error)")
      if error.needsAdmin { summary.adminMustFix = error.description }
      return false
    }
  }

  private func caseRecord(rawMailID: Int64) async throws(GatewayError) -> CaseRecord? {
    do { return try await store.caseRecord(forRawMail: rawMailID) } catch { throw .store(error) }
  }

  /// The auto-reply headers of the original mail (re-read from the stored bytes after a restart).
  private func autoReplyHeaders(reading: Reading?, rawMailID: Int64) async throws(GatewayError) -> AutoReplyHeaders {
    if let reading { return reading.autoReplyHeaders }
    let bytes: [UInt8]
    do { bytes = try await store.rawMailBytes(id: rawMailID) } catch { throw .store(error) }
    return AutoReplyHeaders(HeaderScan.headers(bytes))
  }
}

/// Retry delays for the outbox: base (default 1 min), 2×, 4× … capped at 1 hour.
enum Backoff {
  static func delay(attempt: Int, base: Int = 60) -> TimeInterval {
    min(3600, Double(base) * pow(2, Double(max(0, min(attempt - 1, 10)))))
  }
}

/// Admin-readable sentences for quarantine reasons (never message content).
enum QuarantineReason {
  static func describe(_ reason: DecryptionFailureReason) -> String {
    switch reason {
    case .noSecretKey:
      return "The mail is encrypted to a key the gateway does not hold. Import the missing secret key and run `meldpunt quarantine retry`."
    case .noIntegrityProtection:
      return "The mail uses legacy encryption without integrity protection (no MDC) and was refused; ask the reporter to use a current OpenPGP client."
    case .integrityFailure:
      return "The encrypted mail was altered or damaged in transit (integrity check failed); nothing of it was used."
    case .corrupt:
      return "The mail claims to be encrypted but holds no readable OpenPGP encrypted data."
    }
  }
}

/// Mails waiting to be filed during a pass (see `Gateway.flushMoves`).
///
/// `@unchecked Sendable` is safe: `moves` and `collecting` are only touched under `lock`.
final class PendingMoves: @unchecked Sendable {
  struct Move: Sendable {
    let uid: UInt32
    let folder: String
    let rawMailID: Int64
  }

  private let lock = NSLock()
  private var moves: [Move] = []
  private var collecting = false

  /// Starts or stops collecting; outside a pass, moves happen at once.
  func collect(_ on: Bool) { lock.withLock { collecting = on } }

  /// Keeps `move` for later when collecting; false means: move it now.
  func add(_ move: Move) -> Bool {
    lock.withLock {
      guard collecting else { return false }
      moves.append(move)
      return true
    }
  }

  var count: Int { lock.withLock { moves.count } }

  func take() -> [Move] {
    lock.withLock {
      defer { moves = [] }
      return moves
    }
  }
}

/// Acknowledgements queued during a pass, waiting for the sending task (see `Gateway.processBatch`).
///
/// One outbox entry is sent at most once per pass: a second copy of the same mail (the same
/// bytes delivered twice) finds its acknowledgement queued, in flight or already sent, and
/// never queues it again.
///
/// `@unchecked Sendable` is safe: every property is only touched under `lock`.
final class PendingDeliveries: @unchecked Sendable {
  struct Delivery: Sendable {
    let entry: OutboxEntry
    let caseID: CaseID
    let filing: PendingMoves.Move
    let log: Logger
  }

  enum Admission { case sendNow, taken, alreadySent, alreadyFailed }

  private let lock = NSLock()
  private var queued: [Delivery] = []
  private var inFlight: Set<Int64> = []
  private var sent: Set<Int64> = []
  private var failed: Set<Int64> = []
  /// Filings of further copies, waiting for the entry already queued or in flight.
  private var alsoFile: [Int64: [PendingMoves.Move]] = [:]
  private var collecting = false

  /// Starts or stops collecting; stopping forgets the pass.
  func collect(_ on: Bool) {
    lock.withLock {
      collecting = on
      if !on { (queued, inFlight, sent, failed, alsoFile) = ([], [], [], [], [:]) }
    }
  }

  func add(_ delivery: Delivery) -> Admission {
    lock.withLock {
      guard collecting else { return .sendNow }
      let id = delivery.entry.id
      if sent.contains(id) { return .alreadySent }
      if failed.contains(id) { return .alreadyFailed }
      if inFlight.contains(id) || queued.contains(where: { $0.entry.id == id }) {
        alsoFile[id, default: []].append(delivery.filing)
        return .taken
      }
      queued.append(delivery)
      return .taken
    }
  }

  /// The queued deliveries, now in flight.
  func take() -> [Delivery] {
    lock.withLock {
      defer { queued = [] }
      inFlight.formUnion(queued.map(\.entry.id))
      return queued
    }
  }

  /// Records how a delivery ended; returns the filings of copies that waited for it.
  func completed(_ id: Int64, sent wasSent: Bool) -> [PendingMoves.Move] {
    lock.withLock {
      inFlight.remove(id)
      if wasSent { sent.insert(id) } else { failed.insert(id) }
      return alsoFile.removeValue(forKey: id) ?? []
    }
  }
}
