import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where the machine's CPU went while meldpunt ran: the whole machine from /proc/stat, the
/// SMTP sink from its /proc/PID/stat, meldpunt and its GPGME hosts from `MeasuredRun`. The
/// rest is gpg, gpg-agent and Dovecot (and anything else running), which the bench cannot
/// tell apart without a profiler. On a two-core machine the wall time per mail can be no
/// lower than the busy time per mail divided by two, so this says what there is to gain
/// and where.
struct CPUShare {
  struct Reading {
    /// Busy and idle clock ticks of all CPUs together.
    let busy: Int
    let idle: Int
    /// utime + stime of the SMTP sink, in clock ticks.
    let sink: Int

    init(sink pid: pid_t?) {
      var busy = 0
      var idle = 0
      if let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
         let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) {
        // user nice system idle iowait irq softirq steal (guest time is inside user).
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Int($0) }
        if ticks.count == 8 {
          busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
          idle = ticks[3] + ticks[4]
        }
      }
      self.busy = busy
      self.idle = idle
      sink = pid.flatMap(MeasuredRun.readCPUTicks) ?? 0
    }
  }

  private(set) var busySeconds = 0.0
  private(set) var idleSeconds = 0.0
  private(set) var sinkSeconds = 0.0

  mutating func add(from start: Reading, to end: Reading) {
    let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
    busySeconds += Double(end.busy - start.busy) / tick
    idleSeconds += Double(end.idle - start.idle) / tick
    sinkSeconds += Double(end.sink - start.sink) / tick
  }

  func line(gateway run: MeasuredRun, mails: Int) -> String {
    let n = Double(mails)
    func ms(_ seconds: Double) -> String { Output.fixed(seconds * 1000 / n, 2) }
    let meldpunt = run.cpuSeconds.user + run.cpuSeconds.system
    let rest = busySeconds - meldpunt - run.hostsCPUSeconds - sinkSeconds
    return "machine CPU while meldpunt ran, ms/mail: busy \(ms(busySeconds)), idle \(ms(idleSeconds)); "
      + "of the busy time meldpunt \(ms(meldpunt)), GPGME hosts \(ms(run.hostsCPUSeconds)), SMTP sink \(ms(sinkSeconds)), "
      + "gpg, gpg-agent, Dovecot and the rest \(ms(rest))"
  }
}
