import Cases
import Foundation

/// Loads the reporter mail templates: from `mail.templatesDirectory` when the admin
/// set one (their own wording), else the defaults shipped with Meldpunt
/// (Config/templates in the source tree).
public struct MailLibrary: Sendable {
  public let defaultLanguage: String
  let texts: [String: MailTexts]

  public static let languages = ["en", "nl"]

  public init(directory: String?, defaultLanguage: String) throws(ConfigurationError) {
    var loaded: [String: MailTexts] = [:]
    for language in Self.languages {
      func read(_ name: String) throws(ConfigurationError) -> String {
        let file = "\(name).\(language).txt"
        if let directory {
          let path = directory + "/" + file
          guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(key: "mail.templatesDirectory", path: path, detail: "every template must exist in English and Dutch")
          }
          return String(decoding: data, as: UTF8.self)
        }
        guard let url = Bundle.module.url(forResource: "Templates/\(name).\(language)", withExtension: "txt"),
              let data = try? Data(contentsOf: url) else {
          throw .unreadableFile(key: "mail.templatesDirectory", path: file, detail: "the built-in templates are missing from the installation")
        }
        return String(decoding: data, as: UTF8.self)
      }
      loaded[language] = MailTexts(language: language, acknowledgement: MailTemplate(parsing: try read("acknowledgement")),
                                   notice: MailTemplate(parsing: try read("notice")), status: MailTemplate(parsing: try read("status")),
                                   agreement: MailTemplate(parsing: try read("agreement")), phrases: Phrasebook(parsing: try read("phrases")))
    }
    guard loaded[defaultLanguage] != nil else {
      throw .invalid(key: "mail.language", detail: "use one of \(Self.languages.joined(separator: ", "))")
    }
    texts = loaded
    self.defaultLanguage = defaultLanguage
  }

  /// The texts for a reporter: the report's own language when it is one we write, else the default.
  public func texts(for language: String?) -> MailTexts {
    texts[language ?? defaultLanguage] ?? texts[defaultLanguage]!
  }
}
