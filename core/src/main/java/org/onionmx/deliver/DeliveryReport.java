package org.onionmx.deliver;

import java.util.List;
import java.util.Objects;
import org.onionmx.resolve.OnionTarget;

/**
 * The outcome of one delivery: one result per envelope recipient, in envelope order.
 *
 * @param domain the recipient domain delivered to
 * @param results one result per recipient, in envelope order
 * @param targetsTried the targets contacted, in order (a target appears once per attempt)
 */
public record DeliveryReport(
    String domain, List<RecipientResult> results, List<OnionTarget> targetsTried) {
  /** Copies the lists; checks that nothing is null. */
  public DeliveryReport {
    Objects.requireNonNull(domain, "domain");
    results = List.copyOf(results);
    targetsTried = List.copyOf(targetsTried);
  }

  /** True if every recipient was accepted. */
  public boolean allAccepted() {
    return results.stream().allMatch(r -> r instanceof RecipientResult.Accepted);
  }

  /** The result for {@code recipient}. */
  public RecipientResult resultFor(String recipient) {
    return results.stream()
        .filter(r -> r.recipient().equals(recipient))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException(recipient + " was not in the envelope"));
  }

  /** The results of one kind, for example {@code ofType(RecipientResult.Deferred.class)}. */
  public <T extends RecipientResult> List<T> ofType(Class<T> type) {
    return results.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
