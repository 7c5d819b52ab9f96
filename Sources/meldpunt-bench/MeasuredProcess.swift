import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One run of a child program with its wall time and memory.
///
/// Foundation's `Process` cannot report resource usage, so this spawns with
/// posix_spawn(3) and reaps with wait4(2). Peak memory comes from two places:
/// `VmHWM` in /proc/PID/status, sampled every few milliseconds while the child
/// runs (the child's own high-water mark; it is monotonic, so the last sample is
/// at most one interval stale), and `ru_maxrss` from wait4, which is the larger of
/// the child's peak and that of any child it reaped (for meldpunt: the gpg
/// processes GPGME starts). The `meldpunt-gpgme` hosts meldpunt starts are not reaped
/// before it exits, so their `VmHWM` is sampled too (`hostsPeakKB`).
struct MeasuredRun: Sendable {
  /// One sample taken while the child ran.
  struct Sample: Sendable {
    let milliseconds: Double
    let highWaterKB: Int
    let residentKB: Int
    /// What `progress` returned (e.g. mails already in the Processed folder).
    let progress: Int
  }

  let status: Int32
  let seconds: Double
  let stdout: [UInt8]
  let stderrFile: String
  /// Largest `VmHWM` seen, in KiB.
  let peakKB: Int
  /// `ru_maxrss` of the reaped child, in KiB (includes its own reaped children).
  let maxRSSWithChildrenKB: Int
  /// The sum of the peaks (`VmHWM`) of the child's `meldpunt-gpgme` hosts, in KiB.
  let hostsPeakKB: Int
  /// CPU time of the child itself (user, system), from wait4. The gpg processes GPGME starts
  /// are not in it: GPGME forks twice, so init reaps them.
  let cpuSeconds: (user: Double, system: Double)
  /// CPU time of the `meldpunt-gpgme` hosts, the last /proc/PID/stat reading of each
  /// (they are not reaped before meldpunt exits, and idle after its last request).
  let hostsCPUSeconds: Double
  let samples: [Sample]

  /// Runs `executable` with `arguments` until it exits or `timeout` seconds pass (then
  /// it is killed and this throws). stdout and stderr go to files in `directory`.
  static func run(
    _ executable: String, _ arguments: [String], directory: String, label: String, timeout: Double,
    sampleMilliseconds: Double = 5, progressEvery: Int = 20, progress: (@Sendable () -> Int)? = nil
  ) throws -> MeasuredRun {
    let stdoutFile = "\(directory)/\(label).stdout"
    let stderrFile = "\(directory)/\(label).stderr"
    let pid = try ChildProcess.spawn(executable, arguments, stdout: stdoutFile, stderr: stderrFile)
    let start = Clock.now
    var samples: [Sample] = []
    var peak = 0
    var lastProgress = 0
    var status: Int32 = 0
    var usage = rusage()
    var tick = 0
    var hostPeaks: [pid_t: Int] = [:]
    var hostTicks: [pid_t: Int] = [:]
    var hostFiles: [pid_t: (status: ProcFile?, stat: ProcFile?)] = [:]
    let statusFile = ProcFile("/proc/\(pid)/status")
    while true {
      let reaped = wait4(pid, &status, WNOHANG, &usage)
      if reaped == pid { break }
      if reaped < 0 && errno != EINTR {
        throw BenchError("wait4 for \(label) failed: \(String(cString: strerror(errno)))")
      }
      if let memory = statusFile?.memory() {
        peak = max(peak, memory.highWater)
        if let progress, tick % progressEvery == 0 { lastProgress = progress() }
        if tick % progressEvery == 0 {
          for host in hosts(of: pid) where hostFiles[host] == nil {
            hostFiles[host] = (ProcFile("/proc/\(host)/status"), ProcFile("/proc/\(host)/stat"))
          }
        }
        for (host, files) in hostFiles {
          if let memory = files.status?.memory() { hostPeaks[host] = max(hostPeaks[host] ?? 0, memory.highWater) }
          if let ticks = files.stat?.cpuTicks() { hostTicks[host] = ticks }
        }
        samples.append(Sample(milliseconds: Clock.milliseconds(since: start), highWaterKB: memory.highWater,
                              residentKB: memory.resident, progress: lastProgress))
      }
      tick += 1
      if Clock.seconds(since: start) > timeout {
        kill(pid, SIGKILL)
        _ = wait4(pid, &status, 0, &usage)
        throw BenchError("\(label) did not finish within \(Int(timeout)) s and was killed; its log is \(stderrFile)")
      }
      Clock.pause(milliseconds: sampleMilliseconds)
    }
    let seconds = Clock.seconds(since: start)
    let exit = ChildProcess.exitStatus(status)
    return MeasuredRun(
      status: exit, seconds: seconds, stdout: (try? FileIO.read(stdoutFile)) ?? [], stderrFile: stderrFile,
      peakKB: peak, maxRSSWithChildrenKB: Int(usage.ru_maxrss), hostsPeakKB: hostPeaks.values.reduce(0, +),
      cpuSeconds: (Self.seconds(usage.ru_utime), Self.seconds(usage.ru_stime)),
      hostsCPUSeconds: Double(hostTicks.values.reduce(0, +)) / Double(sysconf(Int32(_SC_CLK_TCK))), samples: samples)
  }

  /// The `meldpunt-gpgme` children of `pid`.
  static func hosts(of pid: pid_t) -> [pid_t] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    let children = tasks.flatMap { task in
      ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
        .split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    return children.filter { child in
      (try? String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8))?.hasPrefix("meldpunt-gpgme") == true
    }
  }

  private static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

  /// utime + stime of a running process, in clock ticks.
  static func readCPUTicks(_ pid: pid_t) -> Int? { ProcFile("/proc/\(pid)/stat")?.cpuTicks() }
}
