import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One long-running child server (dovecot, the Python SMTP sink) and how to
/// stop it for good.
///
/// Its stdout and stderr go to `logFile` (so a chatty child can never block
/// on a full pipe), except that the sink's stdout is a pipe for its READY line.
///
/// `@unchecked Sendable` is safe: `process` and `readyPipe` are `Process` and
/// `Pipe` objects, which are not Sendable, but they are only read or written
/// while holding `lock`, and `program`/`logFile` are immutable.
final class ServerProcess: @unchecked Sendable {
  let program: String
  let logFile: String
  private let lock = NSLock()
  private var process: Process?
  private var readyPipe: Pipe?

  /// Starts `executable` in its own process group (Foundation does that on
  /// Linux), with every signal unblocked.
  init(executable: String, arguments: [String], logFile: String, pipeStdout: Bool = false) throws {
    program = (executable as NSString).lastPathComponent
    self.logFile = logFile
    guard FileManager.default.createFile(atPath: logFile, contents: nil),
      let log = FileHandle(forWritingAtPath: logFile)
    else {
      throw HarnessError.missingFile(
        path: logFile, hint: "the harness could not create the server log")
    }
    defer { try? log.close() }  // the child has its own copy of the descriptor
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardError = log
    let pipe: Pipe? = pipeStdout ? Pipe() : nil
    process.standardOutput = pipe ?? log
    try spawnWithSignalsUnblocked(process, program: program)
    self.process = process
    self.readyPipe = pipe
  }

  var processIdentifier: pid_t? {
    lock.withLock { process?.processIdentifier }
  }

  /// The exit status once the child has exited, nil while it runs (or after
  /// `stop`, which forgets the process).
  var exitStatus: Int32? {
    lock.withLock {
      guard let process, !process.isRunning else { return nil }
      return process.terminationStatus
    }
  }

  var isRunning: Bool {
    lock.withLock { process?.isRunning ?? false }
  }

  /// Reads one line from the piped stdout, waiting at most `timeout`
  /// seconds. Returns nil when the child closed stdout (it exited). Reads a
  /// byte at a time so nothing after the newline is consumed and lost.
  /// Only the code that starts the server calls this, before the object is
  /// shared, so the descriptor cannot be closed by `stop()` meanwhile.
  func readLine(timeout: Double) throws -> String? {
    let fd: Int32? = lock.withLock { readyPipe?.fileHandleForReading.fileDescriptor }
    guard let fd else { return nil }
    let deadline = monotonicMilliseconds() + Int64(timeout * 1000)
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let remaining = deadline - monotonicMilliseconds()
      guard remaining > 0 else {
        throw HarnessError.timedOut(
          what: "\(program) printing its ready line", seconds: timeout, logTail: Files.tail(logFile)
        )
      }
      var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&entry, 1, Int32(clamping: remaining))
      if ready < 0 {
        if errno == EINTR { continue }
        throw HarnessError.system(call: "poll", errno: errno)
      }
      if ready == 0 { continue }
      let count = posixRead(fd, &byte, 1)
      if count == 1 {
        if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
        line.append(byte)
      } else if count == 0 {
        return nil
      } else if errno != EINTR && errno != EAGAIN {
        throw HarnessError.system(call: "read(\(program) stdout)", errno: errno)
      }
    }
  }

  /// Sends SIGTERM, waits up to `grace` seconds for the child to exit, then
  /// SIGKILLs its whole process group (which also catches grandchildren the
  /// server failed to reap). Idempotent.
  func stop(grace: Double = 10) {
    let taken: (Process, Pipe?)? = lock.withLock {
      defer {
        process = nil
        readyPipe = nil
      }
      return process.map { ($0, readyPipe) }
    }
    // From here on this call owns the Process exclusively.
    guard let (process, pipe) = taken else { return }
    let pid = process.processIdentifier
    if process.isRunning {
      _ = posixKill(pid, SIGTERM)
      let deadline = monotonicMilliseconds() + Int64(grace * 1000)
      while process.isRunning && monotonicMilliseconds() < deadline {
        waitBetweenPolls(milliseconds: 20)
      }
    }
    // The group id is the child's pid; ESRCH just means the group is gone.
    _ = posixKill(-pid, SIGKILL)
    process.waitUntilExit()
    try? pipe?.fileHandleForReading.close()  // nothing left to read; EBADF is harmless
  }

  deinit {
    stop()
  }
}

/// Runs `process`. posix_spawn copies the spawning thread's signal mask into
/// the child, and Swift Testing's worker threads run with SIGTERM blocked: a
/// server started from a test would then ignore our SIGTERM, and so would a
/// gpg-agent that gpg starts. The mask is cleared for the spawn only.
func spawnWithSignalsUnblocked(_ process: Process, program: String) throws {
  var empty = sigset_t()
  var previous = sigset_t()
  sigemptyset(&empty)
  pthread_sigmask(SIG_SETMASK, &empty, &previous)
  defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
  ignoreBrokenPipes()
  do {
    try process.run()
  } catch {
    throw HarnessError.launchFailed(program: program, reason: "\(error)")
  }
}
