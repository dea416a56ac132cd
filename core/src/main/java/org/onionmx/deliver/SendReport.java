package org.onionmx.deliver;

import java.util.List;

/**
 * The outcome of one {@link OnionSender#send}: one {@link RecipientOutcome} per recipient given,
 * in the order given, duplicates included.
 *
 * @param outcomes one outcome per recipient, in the order given
 */
public record SendReport(List<RecipientOutcome> outcomes) {
  /** Copies the list. */
  public SendReport {
    outcomes = List.copyOf(outcomes);
  }

  /** True if every recipient was accepted by a server. */
  public boolean allAccepted() {
    return outcomes.stream().allMatch(RecipientOutcome::accepted);
  }

  /**
   * The outcome of the {@code index}-th recipient given (0-based): the reliable way to pair
   * outcomes with recipients when an address was given twice.
   */
  public RecipientOutcome get(int index) {
    return outcomes.get(index);
  }

  /** The outcomes of one kind, for example {@code ofType(RecipientOutcome.NoRoute.class)}. */
  public <T extends RecipientOutcome> List<T> ofType(Class<T> type) {
    return outcomes.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
