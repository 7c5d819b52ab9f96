import Cases
import Foundation
import Store

extension Gateway {
  /// What the report says beyond its verdict: assets, scope, ids, CVSS, language.
  /// (Whether it repeats an earlier case of the same reporter is looked up as the case
  /// opens, in `Store.openCase`.)
  func details(for report: Report) -> (details: CaseDetails, severity: Severity?) {
    let fields = ReportParser.parse(report.text)
    var assets: [String] = []
    if let product = fields.product?.trimmingCharacters(in: .whitespacesAndNewlines), !product.isEmpty, product.count <= 200 {
      assets.append(product)
    }
    assets += fields.urls + fields.hosts
    assets = assets.uniqued()
    let vectors = fields.cvssVectors.filter { (try? CVSS.score($0)) != nil }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    let fieldsJSON = (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) }
    let details = CaseDetails(assets: assets, scope: configuration.scope.judge(assets: assets), cweIDs: fields.cweIDs,
                              cveIDs: fields.cveIDs, cvssVectors: vectors, language: fields.language,
                              fieldsJSON: fieldsJSON)
    return (details, CaseScoring.severity(of: vectors))
  }
}
