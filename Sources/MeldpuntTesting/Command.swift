import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a finished program left behind: its exit status (128 + N when killed
/// by signal N), everything it wrote to stdout (bytes: gpg output can be
/// binary) and its stderr as text.
public struct CommandResult: Sendable {
  public let status: Int32
  public let stdout: [UInt8]
  public let stderr: String

  public init(status: Int32, stdout: [UInt8], stderr: String) {
    self.status = status
    self.stdout = stdout
    self.stderr = stderr
  }

  /// stdout decoded as UTF-8 (invalid bytes become U+FFFD).
  public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs helper programs (openssl, curl, gpg) to completion.
///
/// Stdin is written and stdout and stderr are read in one `poll(2)` loop, so a
/// program that fills one pipe while we wait on another can never deadlock us,
/// and no extra threads are needed.
public enum Command {
  /// Runs `executable` (an absolute path, or a name looked up on `PATH`) and
  /// waits for it. Does not throw on a non-zero exit status; see `runChecked`.
  ///
  /// - Parameter environment: added to (and overriding) the inherited
  ///   environment, so `PATH` and friends survive.
  public static func run(
    _ executable: String, _ args: [String], stdin: [UInt8]? = nil,
    environment: [String: String]? = nil
  ) throws -> CommandResult {
    let path = try resolve(executable)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    if let environment {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let output = Pipe()
    let errors = Pipe()
    let input: Pipe? = stdin == nil ? nil : Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input ?? FileHandle.nullDevice
    try spawnWithSignalsUnblocked(process, program: executable)
    let (out, err) = try pump(
      stdin: stdin ?? [], into: input?.fileHandleForWriting,
      stdout: output.fileHandleForReading.fileDescriptor,
      stderr: errors.fileHandleForReading.fileDescriptor)
    process.waitUntilExit()
    // Like a shell: a program killed by signal N reports 128 + N.
    let status =
      process.terminationReason == .uncaughtSignal
      ? 128 + process.terminationStatus : process.terminationStatus
    return CommandResult(status: status, stdout: out, stderr: String(decoding: err, as: UTF8.self))
  }

  /// Like `run`, but throws `HarnessError.commandFailed` with the stderr tail
  /// when the program exits non-zero.
  @discardableResult
  public static func runChecked(
    _ executable: String, _ args: [String], stdin: [UInt8]? = nil,
    environment: [String: String]? = nil
  ) throws -> CommandResult {
    let result = try run(executable, args, stdin: stdin, environment: environment)
    guard result.status == 0 else {
      throw HarnessError.commandFailed(
        program: executable, status: result.status, stderrTail: Files.tail(text: result.stderr))
    }
    return result
  }

  /// The absolute path of `name`, searching `PATH` when it has no slash.
  public static func resolve(_ name: String) throws -> String {
    if name.contains("/") { return name }
    let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in searchPath.split(separator: ":") {
      let candidate = "\(directory)/\(name)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    throw HarnessError.launchFailed(program: name, reason: "not found on PATH \(searchPath)")
  }

  /// Moves `stdin` into the child and drains its stdout and stderr until both
  /// reach end of file. The write end is non-blocking so a child that stops
  /// reading early can't wedge the loop; writing to a child that exited gives
  /// EPIPE (SIGPIPE is ignored process-wide, see `ignoreBrokenPipes`).
  private static func pump(
    stdin: [UInt8], into input: FileHandle?, stdout outFD: Int32, stderr errFD: Int32
  ) throws -> (stdout: [UInt8], stderr: [UInt8]) {
    var out: [UInt8] = []
    var err: [UInt8] = []
    let inputFD = input?.fileDescriptor
    var inputOpen = input != nil
    var written = 0
    var outOpen = true
    var errOpen = true
    // Closed through the FileHandle, which owns the descriptor, so it is
    // never closed twice.
    func closeInput() {
      guard inputOpen else { return }
      inputOpen = false
      try? input?.close()  // EBADF/EPIPE on close carry no information here
    }
    defer { closeInput() }
    if let inputFD {
      _ = fcntl(inputFD, F_SETFL, fcntl(inputFD, F_GETFL) | O_NONBLOCK)
      if stdin.isEmpty { closeInput() }
    }
    var buffer = [UInt8](repeating: 0, count: 65536)

    while outOpen || errOpen || inputOpen {
      var fds: [pollfd] = []
      if outOpen { fds.append(pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)) }
      if errOpen { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
      if inputOpen, let inputFD {
        fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0))
      }
      let ready = poll(&fds, nfds_t(fds.count), -1)
      if ready < 0 {
        if errno == EINTR { continue }
        throw HarnessError.system(call: "poll", errno: errno)
      }
      for entry in fds where entry.revents != 0 {
        if entry.fd == inputFD, inputOpen, let inputFD {
          let count = stdin.withUnsafeBytes { raw in
            posixWrite(inputFD, raw.baseAddress! + written, raw.count - written)
          }
          if count >= 0 {
            written += count
          } else if errno != EAGAIN && errno != EINTR {
            // EPIPE: the child closed stdin or exited; its status tells the rest.
            written = stdin.count
          }
          if written >= stdin.count { closeInput() }
          continue
        }
        let count = buffer.withUnsafeMutableBytes { raw in
          posixRead(entry.fd, raw.baseAddress!, raw.count)
        }
        if count > 0 {
          if entry.fd == outFD { out += buffer[0..<count] } else { err += buffer[0..<count] }
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
          if entry.fd == outFD { outOpen = false } else { errOpen = false }
        }
      }
    }
    return (out, err)
  }
}

/// A write to a pipe whose reader exited raises SIGPIPE, which would kill the
/// whole test process; with it ignored the write returns EPIPE instead. This
/// is process-wide, which is what a test harness wants anyway.
func ignoreBrokenPipes() {
  _ = brokenPipesIgnored
}

private let brokenPipesIgnored: Bool = {
  signal(SIGPIPE, SIG_IGN)
  return true
}()
