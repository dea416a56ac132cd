package org.onionmx.deliver;

import java.util.function.Supplier;

/**
 * For tests through the private Tor network: a fresh circuit on the small network now and then
 * fails to build (Tor answers 0x01, temporary), so a delivery Tor failed temporarily is attempted
 * up to twice more, as an MTA's queue would retry it; each retry is printed.
 */
public final class TorRetries {
  private TorRetries() {}

  /** The attempt's report, after at most two more attempts while Tor fails it temporarily. */
  public static DeliveryReport retryingTor(String label, Supplier<DeliveryReport> attempt) {
    DeliveryReport report = attempt.get();
    for (int i = 0; i < 2 && deferredByTor(report); i++) {
      System.out.println("[" + label + "] retrying after " + report);
      report = attempt.get();
    }
    return report;
  }

  /** True if every recipient was deferred by a temporary Tor failure. */
  public static boolean deferredByTor(DeliveryReport report) {
    return report.results().stream()
        .allMatch(
            r ->
                r instanceof RecipientResult.Deferred d
                    && d.failure() instanceof Failure.Tor t
                    && t.temporary());
  }
}
