package org.onionmx.resolve;

import java.net.IDN;

/**
 * Normalises mail domains to one spelling: lower case, A-labels (IDNA), no trailing dot. Every
 * comparison of domains in this package goes through {@link #normalize}, which is what makes the
 * map and the resolver case-insensitive.
 */
public final class DomainNames {
  private static final int MAX_NAME = 253;
  private static final int MAX_LABEL = 63;

  private DomainNames() {}

  /**
   * Returns the normalised form of {@code domain}.
   *
   * @throws InvalidDomainException if it is empty, too long, has an empty or over-long label, or a
   *     character that cannot appear in a host name
   */
  public static String normalize(String domain) {
    if (domain == null || domain.isEmpty()) {
      throw new InvalidDomainException(domain, "empty");
    }
    if (domain.length() > 4 * MAX_NAME) {
      throw new InvalidDomainException(domain, "longer than 253 characters");
    }
    String d = domain;
    if (!isAscii(d)) {
      try {
        d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED);
      } catch (IllegalArgumentException e) {
        throw new InvalidDomainException(domain, "not a valid internationalised name");
      }
    }
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty()) {
      throw new InvalidDomainException(domain, "empty");
    }
    if (d.length() > MAX_NAME) {
      throw new InvalidDomainException(domain, "longer than 253 characters");
    }
    boolean lower = true;
    int labelStart = 0;
    for (int i = 0; i <= d.length(); i++) {
      char c = i < d.length() ? d.charAt(i) : '.';
      if (c == '.') {
        int len = i - labelStart;
        if (len == 0) {
          throw new InvalidDomainException(domain, "empty label");
        }
        if (len > MAX_LABEL) {
          throw new InvalidDomainException(domain, "a label is longer than 63 characters");
        }
        if (d.charAt(labelStart) == '-' || d.charAt(i - 1) == '-') {
          throw new InvalidDomainException(domain, "a label starts or ends with '-'");
        }
        labelStart = i + 1;
      } else if (c >= 'A' && c <= 'Z') {
        lower = false;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        throw new InvalidDomainException(
            domain, String.format("character U+%04X is not allowed in a host name", (int) c));
      }
    }
    return lower ? d : toLowerAscii(d);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String toLowerAscii(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      if (c[i] >= 'A' && c[i] <= 'Z') {
        c[i] = (char) (c[i] + 32);
      }
    }
    return new String(c);
  }
}
