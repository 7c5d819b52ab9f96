import Cases
import Foundation

/// The published coordinated vulnerability disclosure policy, in English and
/// Dutch, as an HTML page and as plain text.
///
/// Both forms are rendered from one list of blocks (`PolicyWording`), so they say
/// the same thing. Every configured value reaches HTML through `escapeHTML`, and a
/// link only when its URL is `https:`, `http:` or `mailto:`. The page loads
/// nothing: no scripts, style sheets, fonts or images.
/// The terms follow the NCSC guideline:
/// https://english.ncsc.nl/get-to-work/publications/publications/2019/juni/01/coordinated-vulnerability-disclosure-the-guideline
public struct PolicyPage: Sendable, Equatable {
  /// The languages the policy is published in.
  public enum Language: String, Sendable, CaseIterable {
    case en, nl
  }

  /// What the policy states, taken from the configuration and the key.
  public struct Facts: Sendable, Equatable {
    public var organisation: String
    public var address: String
    /// The key's fingerprint, hex.
    public var fingerprint: String
    /// Where the armored key can be downloaded.
    public var keyURL: String
    /// Where security.txt is served.
    public var securityTxtURL: String
    public var scope: ScopePolicy
    public var timeline: TimelinePolicy
    /// The organisation's own safe-harbour sentence; nil uses the mail templates'.
    public var safeHarbour: String?
    /// `mail.templatesDirectory`: the organisation's own wording and report form.
    public var templatesDirectory: String?
    /// Whether the published security.txt is signed with the key, so the page may say so.
    public var securityTxtSigned: Bool

    public init(organisation: String, address: String, fingerprint: String, keyURL: String, securityTxtURL: String,
                scope: ScopePolicy, timeline: TimelinePolicy, safeHarbour: String? = nil, templatesDirectory: String? = nil,
                securityTxtSigned: Bool = false) {
      self.organisation = organisation
      self.address = address
      self.fingerprint = fingerprint
      self.keyURL = keyURL
      self.securityTxtURL = securityTxtURL
      self.scope = scope
      self.timeline = timeline
      self.safeHarbour = safeHarbour
      self.templatesDirectory = templatesDirectory
      self.securityTxtSigned = securityTxtSigned
    }
  }

  /// A run of text inside a block.
  enum Inline: Sendable, Equatable {
    case text(String)
    /// Shown as `label`; a link in HTML when `url` has a safe scheme.
    case link(String, url: String)
    /// A literal: a keyword, a command, an address.
    case code(String)
  }

  /// One block of the page.
  enum Block: Sendable, Equatable {
    case title(String)
    case heading(String)
    case paragraph([Inline])
    case list([[Inline]])
    /// Text kept exactly, such as the report form.
    case preformatted(String)
  }

  public let language: Language
  let blocks: [Block]

  /// The page in `language` for `facts`. The safe-harbour sentence is `facts.safeHarbour`,
  /// else the `safeHarbour` phrase of the mail templates in that language.
  public init(language: Language, facts: Facts) throws(ConfigurationError) {
    let safeHarbour: String
    if let own = facts.safeHarbour, !own.isEmpty {
      safeHarbour = own
    } else {
      let library = try MailLibrary(directory: facts.templatesDirectory, defaultLanguage: language.rawValue)
      safeHarbour = library.texts(for: language.rawValue).phrases["safeHarbour"]
    }
    self.language = language
    blocks = PolicyWording.blocks(language, facts: facts, safeHarbour: safeHarbour,
                                  reportForm: ReportTemplate.text(language: language.rawValue, directory: facts.templatesDirectory))
  }

  // MARK: HTML

  /// A complete HTML document: `lang` on the root, UTF-8, a link to the other language.
  public var html: String {
    let other: Language = language == .en ? .nl : .en
    let otherName = other == .nl ? "Nederlands" : "English"
    var title = ""
    var body = ""
    for block in blocks {
      switch block {
      case .title(let text):
        title = text
        body += "<h1>\(Self.escapeHTML(text))</h1>\n"
      case .heading(let text):
        body += "<h2>\(Self.escapeHTML(text))</h2>\n"
      case .paragraph(let inlines):
        body += "<p>\(Self.html(inlines))</p>\n"
      case .list(let items):
        body += "<ul>\n" + items.map { "<li>\(Self.html($0))</li>\n" }.joined() + "</ul>\n"
      case .preformatted(let text):
        body += "<pre>\(Self.escapeHTML(text))</pre>\n"
      }
    }
    return """
      <!DOCTYPE html>
      <html lang="\(language.rawValue)">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(Self.escapeHTML(title))</title>
      <style>body{max-width:45em;margin:0 auto;padding:1em;font-family:sans-serif;line-height:1.5}pre{white-space:pre-wrap;overflow-wrap:anywhere}code{overflow-wrap:anywhere}</style>
      </head>
      <body>
      <nav><a href="policy.\(other.rawValue).html" hreflang="\(other.rawValue)" lang="\(other.rawValue)">\(otherName)</a></nav>
      <main>
      \(body)</main>
      </body>
      </html>

      """
  }

  static func html(_ inlines: [Inline]) -> String {
    inlines.map { inline -> String in
      switch inline {
      case .text(let text): return escapeHTML(text.replacingOccurrences(of: noBreak, with: " "))
      case .code(let text): return "<code>\(escapeHTML(text))</code>"
      case .link(let label, let url):
        guard isSafeLink(url) else { return escapeHTML(label) }
        return "<a href=\"\(escapeHTML(url))\">\(escapeHTML(label))</a>"
      }
    }.joined()
  }

  /// Text made safe for HTML element content and quoted attribute values.
  public static func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Only these schemes become links: a configured `javascript:` URL stays text.
  static func isSafeLink(_ url: String) -> Bool {
    let lower = url.lowercased()
    return (lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:"))
      && !url.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == " " }
  }

  // MARK: Plain text

  /// The page as plain text: headings underlined, paragraphs wrapped at 76 columns,
  /// the report form exactly as shipped.
  public var text: String {
    var out: [String] = []
    for block in blocks {
      switch block {
      case .title(let text):
        out.append(text + "\n" + String(repeating: "=", count: text.count))
      case .heading(let text):
        out.append(text + "\n" + String(repeating: "-", count: text.count))
      case .paragraph(let inlines):
        out.append(Self.wrap(Self.plain(inlines), width: 76, indent: ""))
      case .list(let items):
        out.append(items.map { Self.wrap(Self.plain($0), width: 76, indent: "  ", first: "- ") }.joined(separator: "\n"))
      case .preformatted(let text):
        out.append(text.hasSuffix("\n") ? String(text.dropLast()) : text)
      }
    }
    return out.joined(separator: "\n\n") + "\n"
  }

  /// The text of `inlines`; a literal's spaces become no-break spaces so that
  /// `wrap` keeps a fingerprint or a command on one line.
  static func plain(_ inlines: [Inline]) -> String {
    inlines.map { inline in
      switch inline {
      case .text(let text): return text
      case .code(let text): return text.replacingOccurrences(of: " ", with: noBreak)
      case .link(let label, let url): return label == url || "mailto:" + label == url ? label : "\(label) (\(url))"
      }
    }.joined()
  }

  /// Joins words `wrap` must not split ("60 days"); written as a plain space.
  static let noBreak = "\u{00A0}"

  /// Greedy word wrap at plain spaces; a word longer than the line (a URL) gets a
  /// line of its own. No-break spaces become plain spaces afterwards.
  static func wrap(_ text: String, width: Int, indent: String, first: String? = nil) -> String {
    wrapKeepingNoBreaks(text, width: width, indent: indent, first: first).replacingOccurrences(of: noBreak, with: " ")
  }

  private static func wrapKeepingNoBreaks(_ text: String, width: Int, indent: String, first: String?) -> String {
    var lines: [String] = []
    var line = first ?? indent
    var lineHasWord = false
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if lineHasWord && line.count + 1 + word.count > width {
        lines.append(line)
        line = indent
        lineHasWord = false
      }
      line += (lineHasWord ? " " : "") + word
      lineHasWord = true
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  /// A fingerprint in groups of four, as gpg shows it: easier to compare by eye.
  public static func grouped(_ fingerprint: String) -> String {
    var groups: [String] = []
    var rest = Substring(fingerprint.uppercased().filter { !$0.isWhitespace })
    while !rest.isEmpty {
      groups.append(String(rest.prefix(4)))
      rest = rest.dropFirst(4)
    }
    return groups.joined(separator: " ")
  }
}
