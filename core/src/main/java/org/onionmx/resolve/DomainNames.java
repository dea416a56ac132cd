package org.onionmx.resolve;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.IDNA;
import com.ibm.icu.text.Normalizer2;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Normalises mail domains to one spelling: lower case, A-labels (IDNA), no trailing dot. Every
 * comparison of domains in this package goes through {@link #normalize}, which is what makes the
 * map and the resolver case-insensitive.
 *
 * <p>Internationalised names follow UTS 46 non-transitional processing (IDNA2008 as Postfix,
 * browsers and registries apply it, through ICU4J): {@code faß.example} is {@code
 * xn--fa-hia.example}, never {@code fass.example}, and {@code ς} stays distinct from {@code σ}. A
 * name is refused, never silently changed into another, when processing reports an error (a
 * zero-width joiner outside its context, a bidi rule broken, a disallowed character, a bad A-label)
 * or when its mapping would change more than case and Unicode normalisation: a soft hyphen or
 * zero-width space that would be dropped, a full-width letter that would be folded. Such a name
 * reads like a pinned domain and is not one; a map or a resolver must not treat it as one.
 * All-ASCII names without {@code xn--} labels take a fast path that never reaches ICU.
 */
public final class DomainNames {
  private static final int MAX_NAME = 253;
  private static final int MAX_LABEL = 63;

  /**
   * ICU's UTS 46 instance and NFC normaliser, loaded on first use only: a JVM that only ever sees
   * ASCII names never loads ICU's data. Both are immutable and thread-safe.
   */
  private static final class Icu {
    static final IDNA UTS46 =
        IDNA.getUTS46Instance(
            IDNA.NONTRANSITIONAL_TO_ASCII
                | IDNA.NONTRANSITIONAL_TO_UNICODE
                | IDNA.CHECK_BIDI
                | IDNA.CHECK_CONTEXTJ
                | IDNA.CHECK_CONTEXTO);

    static final Normalizer2 NFC = Normalizer2.getNFCInstance();

    private Icu() {}
  }

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
    if (!isAscii(d) || hasAceLabel(d)) {
      d = toAscii(domain);
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

  /**
   * UTS 46 non-transitional ToASCII, refusing any name that processing reports an error for or
   * whose mapping is more than case folding and NFC.
   */
  private static String toAscii(String domain) {
    String name = unifyDots(domain);
    IDNA.Info info = new IDNA.Info();
    StringBuilder ascii = Icu.UTS46.nameToASCII(name, new StringBuilder(name.length() + 16), info);
    if (info.hasErrors()) {
      throw new InvalidDomainException(domain, describe(info.getErrors()));
    }
    IDNA.Info back = new IDNA.Info();
    String unicode =
        Icu.UTS46.nameToUnicode(name, new StringBuilder(name.length()), back).toString();
    String expected = Icu.NFC.normalize(UCharacter.toLowerCase(Locale.ROOT, name));
    if (!back.hasErrors() && !isAscii(name) && !unicode.equals(expected)) {
      throw new InvalidDomainException(
          domain,
          "IDNA mapping would change it to '"
              + unicode
              + "' (a dropped soft hyphen or zero-width character, or a folded full-width or"
              + " compatibility character): spell the name as registered");
    }
    return ascii.toString();
  }

  /** Only ASCII, but with an {@code xn--} label (in any case) that must be a valid A-label. */
  private static boolean hasAceLabel(String d) {
    for (int i = 0; i + 4 <= d.length(); i++) {
      if ((i == 0 || d.charAt(i - 1) == '.')
          && (d.charAt(i) | 0x20) == 'x'
          && (d.charAt(i + 1) | 0x20) == 'n'
          && d.charAt(i + 2) == '-'
          && d.charAt(i + 3) == '-') {
        return true;
      }
    }
    return false;
  }

  /** The ideographic and full-width full stops separate labels like '.' (UTS 46 section 4). */
  private static String unifyDots(String s) {
    return s.replace('\u3002', '.').replace('\uFF0E', '.').replace('\uFF61', '.');
  }

  private static String describe(Set<IDNA.Error> errors) {
    EnumSet<IDNA.Error> set = EnumSet.copyOf(errors);
    return "not a valid internationalised name (UTS 46: "
        + set.stream().map(DomainNames::explain).collect(Collectors.joining("; "))
        + ")";
  }

  private static String explain(IDNA.Error error) {
    return switch (error) {
      case CONTEXTJ -> "a zero-width joiner or non-joiner outside the context that allows it";
      case CONTEXTO_PUNCTUATION, CONTEXTO_DIGITS -> "a character outside its allowed context";
      case BIDI -> "mixes right-to-left and left-to-right in a way the bidi rule forbids";
      case DISALLOWED -> "a character not allowed in domain names";
      case PUNYCODE, INVALID_ACE_LABEL -> "an xn-- label that is not a valid A-label";
      case EMPTY_LABEL -> "an empty label";
      case LABEL_TOO_LONG -> "a label longer than 63 octets";
      case DOMAIN_NAME_TOO_LONG -> "longer than 253 octets";
      case LEADING_HYPHEN, TRAILING_HYPHEN -> "a label starts or ends with '-'";
      case HYPHEN_3_4 -> "a label with '--' in the third and fourth positions";
      case LEADING_COMBINING_MARK -> "a label starts with a combining mark";
      case LABEL_HAS_DOT -> "a label contains a dot";
      default -> error.name();
    };
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
