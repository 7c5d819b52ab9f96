/// When the gateway must not answer a mail automatically (RFC 3834 §2, and the
/// usual list and bounce conventions), so it never joins a mail loop.
public enum ReplyPolicy {
  /// Whether the headers mark a machine's mail: an auto-reply, list mail or a bounce. Such a
  /// mail never becomes a follow-up of a case.
  public static func isAutomatic(_ headers: AutoReplyHeaders) -> Bool { automatic(headers) != nil }

  /// What in the headers marks a machine's mail, or nil.
  static func automatic(_ headers: AutoReplyHeaders) -> String? {
    if let auto = headers.autoSubmitted?.trimmingCharacters(in: .whitespaces).lowercased(),
       !auto.isEmpty, auto.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces) }) != "no" {
      return "the mail is Auto-Submitted"
    }
    if let precedence = headers.precedence?.trimmingCharacters(in: .whitespaces).lowercased(),
       ["bulk", "list", "junk"].contains(precedence) {
      return "the mail has Precedence: \(precedence)"
    }
    if headers.listID != nil { return "the mail came from a mailing list" }
    if headers.returnPath?.trimmingCharacters(in: .whitespaces) == "<>" { return "the mail is a bounce (empty Return-Path)" }
    return nil
  }

  /// A reason not to reply, or nil when replying is allowed.
  public static func refusal(to recipient: String, headers: AutoReplyHeaders, gatewayAddress: String) -> String? {
    if let automatic = automatic(headers) { return automatic }
    guard let address = MailAddress.parse(recipient), MailAddress.plausible(address.address) else {
      return "the sender address is not a plausible mail address"
    }
    let local = address.localPart
    if local == "mailer-daemon" || local == "postmaster" || local.hasPrefix("owner-") || local.hasSuffix("-request") {
      return "the sender is a mail system address"
    }
    if address.address.caseInsensitiveCompare(gatewayAddress) == .orderedSame { return "the sender is the gateway itself" }
    return nil
  }
}

import Foundation
