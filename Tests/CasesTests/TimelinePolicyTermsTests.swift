import Cases
import Foundation
import Testing

private func utc(_ text: String) -> Date {
  guard let date = ISO8601DateFormatter().date(from: text) else { preconditionFailure("bad test date \(text)") }
  return date
}

/// Thursday 26 November 2026, 10:00 UTC.
private let received = utc("2026-11-26T10:00:00Z")

@Suite struct TimelinePolicyTermsTests {
  @Test func ncscDefaultPromisesAReplyTheNextWorkingDay() {
    let timeline = TimelinePolicy.ncscDefault.propose(receivedAt: received, severity: nil)
    #expect(timeline.acknowledgeDue == utc("2026-11-27T10:00:00Z"))
    #expect(timeline.triageDue == utc("2026-12-01T10:00:00Z"))
    #expect(timeline.fixDue == utc("2027-01-25T10:00:00Z"))
    #expect(timeline.proposedDisclosure == timeline.fixDue)
  }

  @Test func dutchHolidaysMoveTheWorkingDayTerms() {
    // Wednesday 23 December 2026.
    let timeline = TimelinePolicy.ncscDefault.propose(receivedAt: utc("2026-12-23T10:00:00Z"), severity: .high)
    #expect(timeline.acknowledgeDue == utc("2026-12-24T10:00:00Z"))
    #expect(timeline.triageDue == utc("2026-12-29T10:00:00Z"))
    let office = TimelinePolicy(acknowledgeWorkingDays: 2, calendar: HolidayCalendar(extraDates: ["2026-12-24"]))
    let closed = office.propose(receivedAt: utc("2026-12-23T10:00:00Z"), severity: .high)
    #expect(closed.acknowledgeDue == utc("2026-12-29T10:00:00Z"))
    #expect(closed.triageDue == utc("2026-12-30T10:00:00Z"))
  }

  @Test func disclosureDelayFollowsTheFixDate() {
    let policy = TimelinePolicy(fixDays: [.critical: 14], disclosureDelayDays: 7)
    let timeline = policy.propose(receivedAt: received, severity: .critical)
    #expect(timeline.fixDue == utc("2026-12-10T10:00:00Z"))
    #expect(timeline.proposedDisclosure == utc("2026-12-17T10:00:00Z"))
  }

  @Test func extensionsStayWithinTheMaximum() {
    let policy = TimelinePolicy.ncscDefault
    let timeline = policy.propose(receivedAt: received, severity: nil)  // fix due 25 January 2027
    #expect(policy.allowsFixDate(utc("2027-01-01T10:00:00Z"), for: timeline))
    #expect(policy.allowsFixDate(timeline.fixDue, for: timeline))
    #expect(policy.allowsFixDate(utc("2027-02-24T10:00:00Z"), for: timeline))
    #expect(policy.allowsFixDate(utc("2027-02-24T10:00:01Z"), for: timeline) == false)
    #expect(policy.allowsFixDate(utc("2026-11-25T10:00:00Z"), for: timeline) == false)  // before the report
    var strict = policy
    strict.maxExtensionDays = 0
    #expect(strict.allowsFixDate(timeline.fixDue, for: timeline))
    #expect(strict.allowsFixDate(utc("2027-01-26T10:00:00Z"), for: timeline) == false)
  }
}

@Suite struct TimelinePolicyPromiseTests {
  let policy = TimelinePolicy.ncscDefault
  /// Reply due Friday 27 November, assessment Tuesday 1 December, fix 25 January 2027, all 10:00 UTC.
  var timeline: Timeline { policy.propose(receivedAt: received, severity: nil) }

  func states(acknowledgedAt: String? = nil, triagedAt: String? = nil, fixedAt: String? = nil, now: String,
              warnWithin: Int) -> [Promise.State] {
    let promises = policy.status(of: timeline, acknowledgedAt: acknowledgedAt.map(utc), triagedAt: triagedAt.map(utc),
                                 fixedAt: fixedAt.map(utc), now: utc(now), warnWithin: warnWithin)
    #expect(promises.map(\.kind) == [.acknowledge, .triage, .fix])
    #expect(promises.map(\.due) == [timeline.acknowledgeDue, timeline.triageDue, timeline.fixDue])
    return promises.map(\.state)
  }

  @Test func nothingDoneYet() {
    // Friday 09:00: the reply is due in an hour; the assessment is due two working days
    // and one hour away, just outside a two-working-day window.
    #expect(states(now: "2026-11-27T09:00:00Z", warnWithin: 2) == [.dueSoon, .pending, .pending])
    #expect(states(now: "2026-11-27T09:00:00Z", warnWithin: 3) == [.dueSoon, .dueSoon, .pending])
    #expect(states(now: "2026-11-26T10:00:00Z", warnWithin: 0) == [.pending, .pending, .pending])
  }

  @Test func theWarningWindowCountsWorkingDays() {
    // Friday 10:30: three calendar days but only one working day before the assessment is due.
    #expect(states(acknowledgedAt: "2026-11-27T08:00:00Z", now: "2026-11-27T10:30:00Z", warnWithin: 1)
      == [.kept, .pending, .pending])
    #expect(states(acknowledgedAt: "2026-11-27T08:00:00Z", now: "2026-11-30T12:00:00Z", warnWithin: 1)
      == [.kept, .dueSoon, .pending])
  }

  @Test func latePromisesAreBroken() {
    #expect(states(acknowledgedAt: "2026-11-28T09:00:00Z", now: "2026-12-02T12:00:00Z", warnWithin: 2)
      == [.broken, .broken, .pending])
    #expect(states(now: "2027-02-01T00:00:00Z", warnWithin: 2) == [.broken, .broken, .broken])
  }

  @Test func promisesDoneOnTimeAreKept() {
    #expect(states(acknowledgedAt: "2026-11-26T15:00:00Z", triagedAt: "2026-12-01T10:00:00Z",
                   fixedAt: "2027-01-20T10:00:00Z", now: "2027-03-01T00:00:00Z", warnWithin: 5) == [.kept, .kept, .kept])
    #expect(states(acknowledgedAt: "2026-11-26T15:00:00Z", triagedAt: "2026-12-01T10:00:01Z",
                   fixedAt: "2027-02-01T10:00:00Z", now: "2027-03-01T00:00:00Z", warnWithin: 5) == [.kept, .broken, .broken])
  }
}

@Suite struct TimelinePolicyPresetTests {
  @Test(arguments: [
    (TimelinePreset.ncsc, "2027-01-25T10:00:00Z", "2027-01-25T10:00:00Z"),
    (.projectZero, "2027-02-24T10:00:00Z", "2027-03-26T10:00:00Z"),
    (.zdi, "2027-03-26T10:00:00Z", "2027-03-26T10:00:00Z"),
    (.certcc, "2027-01-10T10:00:00Z", "2027-01-10T10:00:00Z"),
  ])
  func fixDue(preset: TimelinePreset, fixDue: String, disclosure: String) {
    let timeline = preset.policy.propose(receivedAt: received, severity: .critical)
    #expect(timeline.fixDue == utc(fixDue))
    #expect(timeline.proposedDisclosure == utc(disclosure))
    #expect(timeline.acknowledgeDue == utc("2026-11-27T10:00:00Z"))
    #expect(timeline.triageDue == utc("2026-12-01T10:00:00Z"))
    #expect(!preset.summary.isEmpty)
  }

  @Test func projectZeroAllowsOnlyItsGracePeriod() {
    let policy = TimelinePreset.projectZero.policy
    let timeline = policy.propose(receivedAt: received, severity: nil)  // fix due 24 February 2027
    #expect(policy.allowsFixDate(utc("2027-03-10T10:00:00Z"), for: timeline))
    #expect(policy.allowsFixDate(utc("2027-03-11T10:00:00Z"), for: timeline) == false)
  }

  @Test func ncscPresetIsTheDefault() {
    #expect(TimelinePreset.ncsc.policy == TimelinePolicy.ncscDefault)
    #expect(TimelinePolicy.ncscDefault.calendar == HolidayCalendar.netherlands)
  }

  @Test(arguments: [("ncsc", TimelinePreset.ncsc), ("NCSC", .ncsc), ("project-zero", .projectZero),
                    ("projectZero", .projectZero), ("PROJECTZERO", .projectZero), ("zdi", .zdi), ("ZDI", .zdi),
                    ("cert-cc", .certcc), ("certcc", .certcc), ("CERT-CC", .certcc)])
  func namedAccepts(_ name: String, preset: TimelinePreset) {
    #expect(TimelinePreset.named(name) == preset)
  }

  @Test(arguments: ["", "google", "cert", "ncsc-nl", "zero-day"])
  func namedRejects(_ name: String) {
    #expect(TimelinePreset.named(name) == nil)
  }
}

@Suite struct TimelinePolicyCodingTests {
  @Test func oldJSONWithoutAcknowledgeDueDecodes() throws {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    let old = #"{"receivedAt":"2026-11-26T10:00:00Z","triageDue":"2026-12-01T10:00:00Z","#
      + #""fixDue":"2027-01-25T10:00:00Z","proposedDisclosure":"2027-01-25T10:00:00Z"}"#
    let timeline = try decoder.decode(Timeline.self, from: Data(old.utf8))
    #expect(timeline.acknowledgeDue == utc("2026-11-27T10:00:00Z"))
    #expect(timeline == TimelinePolicy.ncscDefault.propose(receivedAt: received, severity: nil))
    // Received on Christmas Eve: the reply falls back to the next Dutch working day.
    let christmas = #"{"receivedAt":"2026-12-24T10:00:00Z","triageDue":"2026-12-30T10:00:00Z","#
      + #""fixDue":"2027-02-22T10:00:00Z","proposedDisclosure":"2027-02-22T10:00:00Z"}"#
    #expect(try decoder.decode(Timeline.self, from: Data(christmas.utf8)).acknowledgeDue == utc("2026-12-28T10:00:00Z"))
  }

  @Test func theFourDateInitialiserUsesTheSameFallback() {
    let timeline = Timeline(receivedAt: received, triageDue: received, fixDue: received, proposedDisclosure: received)
    #expect(timeline.acknowledgeDue == utc("2026-11-27T10:00:00Z"))
  }

  @Test func roundTripsWithAcknowledgeDue() throws {
    var timeline = TimelinePolicy.ncscDefault.propose(receivedAt: received, severity: nil)
    timeline.acknowledgeDue = utc("2026-11-26T12:00:00Z")
    let data = try JSONEncoder().encode(timeline)
    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(Set(object.keys) == ["receivedAt", "acknowledgeDue", "triageDue", "fixDue", "proposedDisclosure"])
    #expect(try JSONDecoder().decode(Timeline.self, from: data) == timeline)
  }
}
