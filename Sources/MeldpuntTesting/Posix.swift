import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// File-scope aliases for C calls whose names collide with methods inside the
// harness types (`Files.write`, `DovecotServer.stop` …).

func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, buffer, count)
}

func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(fd, buffer, count)
}

func posixClose(_ fd: Int32) {
  _ = close(fd)
}

func posixChown(_ path: String, _ uid: uid_t, _ gid: gid_t) -> Int32 {
  chown(path, uid, gid)
}

func posixChmod(_ path: String, _ mode: mode_t) -> Int32 {
  chmod(path, mode)
}

func posixKill(_ pid: pid_t, _ signal: Int32) -> Int32 {
  kill(pid, signal)
}

/// Milliseconds on a clock that never jumps, for deadlines.
func monotonicMilliseconds() -> Int64 {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}

/// Blocks the calling thread for `milliseconds`; used only between polls of a
/// condition (a port, a file, a process), never as a stand-in for readiness.
func waitBetweenPolls(milliseconds: Int) {
  var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
  var remaining = timespec()
  while nanosleep(&request, &remaining) != 0 && errno == EINTR {
    request = remaining
  }
}

/// True while `pid` runs; an exited process that is only waiting to be
/// reaped (a zombie) counts as gone.
func processIsAlive(_ pid: pid_t) -> Bool {
  #if os(Linux)
    // /proc/PID/stat is "PID (comm) STATE …"; comm may contain spaces and ")".
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
    return state != "Z" && state != "X"
  #else
    return kill(pid, 0) == 0
  #endif
}
