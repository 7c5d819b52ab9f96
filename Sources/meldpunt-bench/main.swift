import Foundation
import MeldpuntTesting

#if canImport(Glibc)
  import Glibc
#endif

// `make bench`: Meldpunt's pipeline against the floor of gpg and curl on the same mails.
//
// Every part starts its own throwaway Dovecot, SMTP sink and GnuPG homes on 127.0.0.1
// and stops them when it ends, on success or failure. Results go to stdout; when the
// throughput run happens, its last line is `meldpunt/floor: R`.

let options: BenchOptions
do {
  options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
  FileHandle.standardError.write(Data("\(error.description)\n".utf8))
  exit(error.description == BenchOptions.usage ? 0 : 64)
}

/// The machine, so numbers from different runs can be compared.
func describeMachine() -> String {
  let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
  let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
    .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
  let memory = ProcessInfo.processInfo.physicalMemory / 1_000_000_000
  func version(_ tool: String, _ argument: String = "--version") -> String {
    let output = (try? Command.run(tool, [argument]).stdoutText) ?? ""
    return output.split(separator: "\n").first.map(String.init) ?? "\(tool) ?"
  }
  return "\(ProcessInfo.processInfo.activeProcessorCount) cores (\(model)), \(memory) GB RAM; "
    + "\(version("gpg")), \(version("curl").split(separator: " ").prefix(2).joined(separator: " ")), "
    + "dovecot \(version("/usr/sbin/dovecot"))"
}

var failed = false
Output.result("meldpunt-bench: \(describeMachine())")
Output.result("meldpunt: \(options.meldpunt)")
if let megabytes = options.largeAttachmentMB {
  do { try LargeMailBenchmark.run(options, megabytes: megabytes) } catch {
    Output.result("large-mail benchmark failed: \(error)")
    failed = true
  }
}
if let mails = options.latency {
  do { try LatencyBenchmark.run(options, mails: mails) } catch {
    Output.result("latency benchmark failed: \(error)")
    failed = true
  }
}
if options.mails > 0 {
  do {
    let ratio = try ThroughputBenchmark.run(options)
    Output.result("meldpunt/floor: \(String(format: "%.2f", ratio))")
  } catch {
    Output.result("throughput benchmark failed: \(error)")
    failed = true
  }
}
exit(failed ? 1 : 0)
