package org.onionmx.deliver;

import org.onionmx.resolve.DomainNames;

/**
 * An envelope address as it goes into {@code MAIL FROM} and {@code RCPT TO}: the domain as an
 * A-label ({@code bücher.example} becomes {@code xn--bcher-kva.example}), which every server takes,
 * and the local part unchanged. A local part that is still not ASCII can only go to a server that
 * offers {@code SMTPUTF8} (RFC 6531), in UTF-8; Angus alone would write it in ISO-8859-1, which
 * names another mailbox, or none.
 */
final class WireAddress {
  private WireAddress() {}

  /**
   * The wire form of {@code address} ({@code local@domain}); the empty reverse path stays empty.
   *
   * @throws IllegalArgumentException if the domain is not a valid internationalized domain name
   */
  static String of(String address) {
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return address;
    }
    String domain = address.substring(at + 1);
    if (isAscii(domain)) {
      return address;
    }
    return address.substring(0, at + 1) + DomainNames.normalize(domain);
  }

  /** True if the wire form of an address needs {@code SMTPUTF8}: its local part is not ASCII. */
  static boolean needsSmtpUtf8(String wireAddress) {
    return !isAscii(wireAddress);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }
}
