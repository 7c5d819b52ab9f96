import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Starting programs cheaply, for the floor and the measured runs.
///
/// Foundation's `Process` (and so `Command.run`) costs about 50 ms per launch on this
/// Linux toolchain, even for /bin/true: more than a whole `gpg --decrypt` of a small
/// mail. GPGME forks and execs gpg directly, so the floor must too, or it would be
/// mostly Foundation. posix_spawn(3) plus a blocking waitpid(2) costs about 1 ms.
enum ChildProcess {
  /// Starts `executable` with stdin, stdout and stderr redirected to files, every signal
  /// unblocked and SIGPIPE back to its default (the harness ignores it process-wide,
  /// and exec keeps ignored signals). `environment` is added to the inherited one.
  static func spawn(
    _ executable: String, _ arguments: [String], stdin: String = "/dev/null", stdout: String, stderr: String,
    environment: [String: String] = [:]
  ) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    var variables = ProcessInfo.processInfo.environment
    for (key, value) in environment { variables[key] = value }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
    guard result == 0 else {
      throw BenchError("could not start \(executable): \(String(cString: strerror(result)))")
    }
    return pid
  }

  /// Waits for `pid` and returns its exit status (128 + N when killed by signal N).
  static func wait(_ pid: pid_t) throws -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else { throw BenchError("waitpid failed: \(String(cString: strerror(errno)))") }
    }
    return exitStatus(status)
  }

  /// Decodes a wait status like a shell does.
  static func exitStatus(_ status: Int32) -> Int32 {
    (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }

  /// Runs to completion; stdin from a file, stdout and stderr to files.
  @discardableResult
  static func run(
    _ executable: String, _ arguments: [String], stdin: String = "/dev/null", stdout: String = "/dev/null",
    stderr: String, environment: [String: String] = [:]
  ) throws -> Int32 {
    try wait(spawn(executable, arguments, stdin: stdin, stdout: stdout, stderr: stderr, environment: environment))
  }
}
