package org.onionmx.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.onionmx.resolve.SrvAnswer.Candidate;

class SrvOrderTest {
  private static final OnionTarget A = Onions.target(Onions.A, 25);
  private static final OnionTarget B = Onions.target(Onions.B, 25);
  private static final OnionTarget C = Onions.target(Onions.C, 25);
  private static final OnionTarget D = Onions.target(Onions.D, 2525);

  private static Map<OnionTarget, Integer> firstChoices(List<Candidate> set, int draws) {
    Random random = new Random(42);
    Map<OnionTarget, Integer> firsts = new HashMap<>();
    for (int i = 0; i < draws; i++) {
      List<OnionTarget> order = SrvOrder.order(set, random);
      assertEquals(set.size(), order.size());
      firsts.merge(order.get(0), 1, Integer::sum);
    }
    return firsts;
  }

  @Test
  void lowerPriorityAlwaysComesFirstAndEveryTargetIsReturned() {
    List<Candidate> set =
        List.of(
            new Candidate(0, 1, A),
            new Candidate(0, 9, B),
            new Candidate(10, 0, C),
            new Candidate(20, 50, D));
    Random random = new Random(1);
    for (int i = 0; i < 200; i++) {
      List<OnionTarget> order = SrvOrder.order(set, random);
      assertEquals(4, order.size());
      assertTrue(List.of(A, B).containsAll(order.subList(0, 2)));
      assertEquals(C, order.get(2));
      assertEquals(D, order.get(3));
    }
  }

  @Test
  void weightsSetTheShareOfFirstChoices() {
    // weights 10 : 30 : 60 -> first-choice shares about 10/101, 30/101, 61/101
    List<Candidate> set =
        List.of(new Candidate(5, 10, A), new Candidate(5, 30, B), new Candidate(5, 60, C));
    Map<OnionTarget, Integer> firsts = firstChoices(set, 20_000);
    assertEquals(0.10, firsts.get(A) / 20_000.0, 0.02);
    assertEquals(0.30, firsts.get(B) / 20_000.0, 0.02);
    assertEquals(0.60, firsts.get(C) / 20_000.0, 0.02);
  }

  @Test
  void weightZeroIsStillChosenSometimes() {
    // RFC 2782: weight 0 sorts first and wins when the draw is 0, here 1 time in 11
    List<Candidate> set = List.of(new Candidate(0, 10, A), new Candidate(0, 0, B));
    Map<OnionTarget, Integer> firsts = firstChoices(set, 11_000);
    int zero = firsts.getOrDefault(B, 0);
    assertTrue(zero > 500 && zero < 1500, "weight 0 chosen first " + zero + " times in 11000");
  }

  @Test
  void allZeroWeightsAreDrawnUniformly() {
    List<Candidate> set =
        List.of(new Candidate(0, 0, A), new Candidate(0, 0, B), new Candidate(0, 0, C));
    Map<OnionTarget, Integer> firsts = firstChoices(set, 9_000);
    for (OnionTarget t : List.of(A, B, C)) {
      assertEquals(1 / 3.0, firsts.get(t) / 9_000.0, 0.03);
    }
  }

  @Test
  void aSeededRandomGivesARepeatableOrder() {
    List<Candidate> set =
        List.of(new Candidate(0, 1, A), new Candidate(0, 1, B), new Candidate(0, 1, C));
    assertEquals(SrvOrder.order(set, new Random(7)), SrvOrder.order(set, new Random(7)));
  }
}
