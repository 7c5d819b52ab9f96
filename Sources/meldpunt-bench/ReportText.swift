/// The English text of one generated vulnerability report: a subject and a body of a
/// chosen size, built from the parts real reports have (summary, affected URL, steps,
/// impact, CVSS vector, HTTP traces, a closing), so the gateway's parsers see
/// realistic input rather than repeated filler.
struct ReportText: Sendable {
  let subject: String
  let body: String

  /// A report of about `bytes` bytes (never less), signed off by `reporterName`.
  init(bytes target: Int, reporterName: String, random: inout SeededRandom) {
    let flaw = Self.flaws.randomElement(using: &random)!
    let host = Self.hosts.randomElement(using: &random)!
    let path = Self.paths.randomElement(using: &random)!
    let parameter = Self.parameters.randomElement(using: &random)!
    subject = "\(flaw.name) in \(path) on \(host)"

    var text = """
      Hello security team,

      I would like to report a vulnerability I found in \(host) while testing within your \
      published scope. I have not accessed any data beyond what was needed to confirm it.

      Summary
      -------
      The \(parameter) parameter of https://\(host)\(path) is vulnerable to \(flaw.name.lowercased()). \
      \(flaw.summary)

      Affected asset
      --------------
      https://\(host)\(path)

      Steps to reproduce
      ------------------

      """
    let steps = Int.random(in: 3...7, using: &random)
    for step in 1...steps {
      text += "\(step). " + Self.fill(Self.stepLines.randomElement(using: &random)!, host, path, parameter) + "\n"
    }
    text += """

      Impact
      ------
      \(flaw.impact)

      CVSS: \(flaw.cvss)

      Details
      -------

      """
    // The details section carries most of the size, as in real reports: prose,
    // request and response traces, log excerpts.
    while text.utf8.count < target - 400 {
      switch Int.random(in: 0..<10, using: &random) {
      case 0..<6:
        let sentences = Int.random(in: 3...8, using: &random)
        text += (0..<sentences).map { _ in
          Self.fill(Self.sentences.randomElement(using: &random)!, host, path, parameter)
        }.joined(separator: " ") + "\n\n"
      case 6..<8:
        let id = random.next() % 1_000_000
        text += """
          Request:

              GET \(path)?\(parameter)=%22%3E%3Csvg%2Fonload%3Dalert(\(id))%3E HTTP/1.1
              Host: \(host)
              User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0
              Accept: text/html,application/xhtml+xml
              Cookie: session=\(String(random.next(), radix: 16))\(String(random.next(), radix: 16))

          Response:

              HTTP/1.1 200 OK
              Content-Type: text/html; charset=utf-8
              Content-Length: \(1000 + random.next() % 40000)
              X-Request-Id: \(String(random.next(), radix: 16))


          """
      default:
        let lines = Int.random(in: 4...12, using: &random)
        for _ in 0..<lines {
          let second = random.next() % 60
          let millis = random.next() % 1000
          let level = ["INFO", "WARN", "ERROR", "DEBUG"].randomElement(using: &random)!
          text += "    2026-03-1\(random.next() % 10)T09:4\(random.next() % 10):\(second < 10 ? "0" : "")\(second).\(millis)Z "
            + "\(level) [\(Self.components.randomElement(using: &random)!)] "
            + Self.fill(Self.logLines.randomElement(using: &random)!, host, path, parameter) + "\n"
        }
        text += "\n"
      }
    }
    text += """
      Suggested fix
      -------------
      \(flaw.fix)

      I am happy to follow your coordinated disclosure policy and to keep this report \
      confidential until a fix is available. Please let me know if you need more information \
      or a call to walk through the proof of concept.

      Kind regards,
      \(reporterName)

      """
    while text.utf8.count < target { text += "-- \n" }
    body = text
  }

  private static func fill(_ template: String, _ host: String, _ path: String, _ parameter: String) -> String {
    template.replacingOccurrences(of: "{host}", with: host)
      .replacingOccurrences(of: "{path}", with: path)
      .replacingOccurrences(of: "{param}", with: parameter)
  }

  private struct Flaw {
    let name: String
    let summary: String
    let impact: String
    let cvss: String
    let fix: String
  }

  private static let flaws: [Flaw] = [
    Flaw(name: "Reflected cross-site scripting",
         summary: "User input is copied into the HTML response without encoding, so a crafted link runs script in the victim's session.",
         impact: "An attacker who gets a logged-in user to open a link can act as that user, read their data and change their settings.",
         cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
         fix: "Encode the parameter for the HTML context it is written into and add a Content-Security-Policy without 'unsafe-inline'."),
    Flaw(name: "SQL injection",
         summary: "The value is concatenated into a SQL statement; a single quote changes the query and time-based payloads confirm blind injection.",
         impact: "An unauthenticated attacker can read every table the application account can read, including password hashes.",
         cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
         fix: "Use prepared statements with bound parameters everywhere this value reaches the database."),
    Flaw(name: "Server-side request forgery",
         summary: "The server fetches any URL given in the parameter, including internal addresses and the cloud metadata endpoint.",
         impact: "An attacker can reach internal services and read instance credentials from the metadata service.",
         cvss: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N",
         fix: "Allow only an explicit list of hosts, resolve names once and refuse private, loopback and link-local addresses."),
    Flaw(name: "Insecure direct object reference",
         summary: "Changing the numeric identifier returns another customer's record; the server checks the session but not ownership.",
         impact: "Any logged-in user can read the invoices, addresses and phone numbers of all other customers.",
         cvss: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
         fix: "Check on every request that the record belongs to the account of the session."),
    Flaw(name: "Open redirect",
         summary: "The login page redirects to any absolute URL in the parameter after a successful login.",
         impact: "Phishing links on your own domain send users to a look-alike site after they logged in for real.",
         cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N",
         fix: "Accept only relative paths, or compare the target with a list of your own hosts."),
    Flaw(name: "Path traversal",
         summary: "Sequences of ../ in the file name are not removed, so files outside the download folder are served.",
         impact: "An attacker can read configuration files with database passwords and API keys.",
         cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
         fix: "Map download names to files through an index instead of building paths from user input."),
  ]

  private static let hosts = [
    "portal.example.org", "shop.example.org", "api.example.org", "mijn.example.org",
    "login.example.org", "intranet.example.org", "cdn.example.org", "support.example.org",
  ]
  private static let paths = [
    "/search", "/account/profile", "/api/v2/invoices", "/download", "/login", "/export/csv",
    "/admin/preview", "/webhooks/test", "/help/article",
  ]
  private static let parameters = ["q", "id", "next", "file", "url", "redirect_uri", "template", "lang"]
  private static let components = ["http", "auth", "db", "worker", "proxy", "scheduler"]

  private static let stepLines = [
    "Log in to https://{host} with a normal customer account.",
    "Open https://{host}{path} and intercept the request with a proxy.",
    "Replace the value of {param} with the payload shown below and forward the request.",
    "Observe that the response contains the payload unencoded.",
    "Repeat the request without a session cookie; the server answers the same way.",
    "Change the value of {param} to the identifier of a second test account.",
    "Note the time the response takes: 10 seconds with the sleep payload, 80 ms without.",
    "Open the link in a second browser where another test user is logged in.",
    "Check the server's answer in the browser's developer tools (Network tab).",
  ]

  private static let sentences = [
    "I first noticed the behaviour on {host} while looking at how {path} handles unusual characters in {param}.",
    "The issue is present in the current production version; I confirmed it again this morning.",
    "Both the desktop site and the mobile application call the same endpoint, so both are affected.",
    "The web application firewall blocks the obvious payloads but not the encoded variant described above.",
    "I used only my own test accounts and stopped as soon as the problem was confirmed.",
    "The value of {param} ends up in the response after being passed through a template without escaping.",
    "Rate limiting does not apply to this endpoint, which makes automated exploitation easy.",
    "Session cookies are not marked HttpOnly, which makes the impact of script injection larger.",
    "I could not find any logging of these requests on the client side, but your servers may have them.",
    "The same pattern appears on a second path, although I did not test it as thoroughly.",
    "The response headers show the framework version, which matches a release with known issues.",
    "A second request with a different {param} value confirmed that the result is not cached.",
    "I tested with Firefox 128 and Chromium 126 on Linux; both behave the same way.",
    "Nothing in the published security policy excludes {host} from scope, so I am reporting it here.",
    "If the parameter is removed entirely the server returns a generic error page instead.",
    "The proof of concept does not change any data; it only reads a record belonging to my second test account.",
    "Because {path} is linked from the main navigation, most logged-in users visit it every day.",
    "I have attached the exact requests so that your team can reproduce the behaviour quickly.",
    "The behaviour started after a deployment some weeks ago, judging from the archived copies of the page.",
    "Please treat the cookie values in this report as sensitive even though they belong to test accounts.",
  ]

  private static let logLines = [
    "GET {path}?{param}=... 200 412ms",
    "rendering template for {path} with user supplied {param}",
    "upstream request to http://169.254.169.254/latest/meta-data/ finished",
    "query took 10012 ms on {host}",
    "permission check skipped for cached record",
    "session validated for {host}; ownership not checked",
  ]
}
