package org.onionmx.resolve;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.onionmx.resolve.SrvAnswer.Candidate;

/**
 * The RFC 2782 target order: priority ascending; inside one priority a weighted random draw over
 * running sums, with weight-0 records placed first so that they are still chosen now and then (when
 * the draw is 0). Records of one priority that all weigh 0 are drawn uniformly.
 */
final class SrvOrder {
  private SrvOrder() {}

  /**
   * Orders {@code byPriority} (already sorted by priority ascending).
   *
   * @param random the source of the draws; must be safe for concurrent use
   */
  static List<OnionTarget> order(List<Candidate> byPriority, Random random) {
    List<OnionTarget> out = new ArrayList<>(byPriority.size());
    int i = 0;
    while (i < byPriority.size()) {
      int j = i + 1;
      while (j < byPriority.size()
          && byPriority.get(j).priority() == byPriority.get(i).priority()) {
        j++;
      }
      if (j - i == 1) {
        out.add(byPriority.get(i).target());
      } else {
        drawGroup(byPriority.subList(i, j), random, out);
      }
      i = j;
    }
    return out;
  }

  private static void drawGroup(List<Candidate> group, Random random, List<OnionTarget> out) {
    List<Candidate> left = new ArrayList<>(group.size());
    for (Candidate c : group) {
      if (c.weight() == 0) {
        left.add(c);
      }
    }
    long total = 0;
    for (Candidate c : group) {
      if (c.weight() != 0) {
        left.add(c);
        total += c.weight();
      }
    }
    while (!left.isEmpty()) {
      int pick;
      if (total == 0) {
        pick = random.nextInt(left.size());
      } else {
        long draw = (long) (random.nextDouble() * (total + 1));
        long running = 0;
        pick = left.size() - 1;
        for (int k = 0; k < left.size(); k++) {
          running += left.get(k).weight();
          if (running >= draw) {
            pick = k;
            break;
          }
        }
      }
      Candidate chosen = left.remove(pick);
      total -= chosen.weight();
      out.add(chosen.target());
    }
  }
}
