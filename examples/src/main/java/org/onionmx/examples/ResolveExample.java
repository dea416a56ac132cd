package org.onionmx.examples;

import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.resolve.OnionMap;
import org.onionmx.resolve.OnionResolver;
import org.onionmx.resolve.Resolution;

/**
 * The resolver on its own: which onion services take mail for a domain, and what to do when there
 * are none or the look-up fails.
 *
 * <p>Run: {@code java -cp examples/target/onionmx.jar org.onionmx.examples.ResolveExample
 * riseup.net}
 */
public final class ResolveExample {
  private ResolveExample() {}

  /** Resolves each argument and prints what a mailer should do. */
  public static void main(String[] args) {
    OnionResolver resolver =
        OnionResolver.newBuilder()
            .map(OnionMap.bundled()) // pinned domains: no DNS query at all
            .dnssec(DnssecPolicy.PREFER) // SRV answers validated where the zone is signed
            .build(); // immutable: build once, share between threads
    for (String domain : args) {
      Resolution resolution;
      try {
        resolution = resolver.resolve(domain);
      } catch (IllegalArgumentException e) { // InvalidDomainException, InvalidOnionAddressException
        System.out.println(domain + ": not a mail domain (" + e.getMessage() + ")");
        continue;
      }
      if (resolution instanceof Resolution.Routed routed) {
        System.out.println(
            domain
                + ": deliver over Tor to "
                + routed.targets()
                + " ("
                + routed.source().label()
                + ")");
      } else if (resolution instanceof Resolution.NoOnionRoute none) {
        System.out.println(domain + ": no onion route (" + none.detail() + ")");
      } else if (resolution instanceof Resolution.CouldNotTell failed) {
        System.out.println(domain + ": defer and retry, never fall back (" + failed.detail() + ")");
      }
    }
  }
}
