#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a piece of the real-server harness could not do its job.
///
/// Each case names the program or server involved and carries the tail of its
/// error output or log, so a failing integration test says what to look at.
/// Arguments are deliberately not recorded: they can hold passphrases.
public enum HarnessError: Error, CustomStringConvertible {
  /// A program ran and exited with a non-zero status.
  case commandFailed(program: String, status: Int32, stderrTail: String)
  /// A program could not be started at all (missing, not executable).
  case launchFailed(program: String, reason: String)
  /// A server did not become ready, or a wait for a result ran out.
  case timedOut(what: String, seconds: Double, logTail: String)
  /// A server process exited while we were waiting for it.
  case serverExited(program: String, status: Int32, logTail: String)
  /// A C library call failed.
  case system(call: String, errno: Int32)
  /// A program succeeded but its output was not what the harness expects.
  case unexpectedOutput(program: String, detail: String)
  /// A file the harness needs is missing or unreadable.
  case missingFile(path: String, hint: String)

  public var description: String {
    switch self {
    case .commandFailed(let program, let status, let stderrTail):
      return "\(program) exited with status \(status); its stderr ends with:\n\(stderrTail)"
    case .launchFailed(let program, let reason):
      return "could not start \(program) (\(reason)); check that it is installed and on PATH"
    case .timedOut(let what, let seconds, let logTail):
      return "\(what) did not happen within \(seconds) s; the log ends with:\n\(logTail)"
    case .serverExited(let program, let status, let logTail):
      return "\(program) exited early with status \(status); its log ends with:\n\(logTail)"
    case .system(let call, let errno):
      return "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    case .unexpectedOutput(let program, let detail):
      return "\(program) gave unexpected output: \(detail)"
    case .missingFile(let path, let hint):
      return "cannot read \(path); \(hint)"
    }
  }
}
