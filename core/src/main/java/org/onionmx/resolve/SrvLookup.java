package org.onionmx.resolve;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.onionmx.resolve.Resolution.FailureReason;
import org.onionmx.resolve.Resolution.NoRouteReason;
import org.onionmx.resolve.SrvAnswer.Candidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * One {@code _onion-mx._tcp.<domain>} SRV query through dnsjava, turned into an {@link SrvAnswer}:
 * RFC 2782 "no service", NXDOMAIN/NODATA with the RFC 2308 negative TTL, invalid targets dropped
 * with a logged reason, and, when {@code dnssec} is not {@link DnssecPolicy#OFF}, the verdict of
 * dnsjava's {@link ValidatingResolver} read from the rcode and the AD flag. The query never carries
 * CD (that would make the validator skip validation). Answers whose shape proves nothing are
 * failures (could not tell), never a definite "no route": a message without the QR bit, a CNAME
 * loop (a name that is its own CNAME included), a CNAME chain longer than {@link #MAX_CNAME_HOPS},
 * and a dangling CNAME (its target does not exist, or the answer neither holds the target's SRV
 * records nor a SOA proving it has none). Never completes exceptionally. Safe for concurrent use.
 */
final class SrvLookup {
  /** The SRV owner prefix. */
  static final String PREFIX = "_onion-mx._tcp.";

  /** Cached answers live at most this long, whatever their TTL says. */
  static final Duration MAX_TTL = Duration.ofDays(1);

  /** More valid targets than this are cut (after ordering by priority) and logged. */
  static final int MAX_TARGETS = 64;

  /** At most this many dropped targets are logged one by one per answer. */
  private static final int MAX_LOGGED_DROPS = 5;

  private static final Logger log = LoggerFactory.getLogger(SrvLookup.class);

  private final Resolver resolver;
  private final FailoverResolver servers;
  private final DnssecPolicy dnssec;
  private final Clock clock;
  private final Duration deadline;

  /**
   * @param resolver sends the query; a {@link ValidatingResolver} over {@code servers} unless
   *     {@code dnssec} is OFF, else {@code servers} itself
   * @param servers the servers behind {@code resolver}
   * @param deadline the most a whole look-up (with DNSSEC, several queries) may take
   */
  SrvLookup(
      Resolver resolver,
      FailoverResolver servers,
      DnssecPolicy dnssec,
      Clock clock,
      Duration deadline) {
    this.resolver = resolver;
    this.servers = servers;
    this.dnssec = dnssec;
    this.clock = clock;
    this.deadline = deadline;
  }

  /** Looks up the SRV records of a normalised domain. */
  CompletableFuture<SrvAnswer> lookup(String domain) {
    Name qname;
    try {
      qname = Name.fromString(PREFIX + domain + ".");
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(
          new SrvAnswer.Negative(
              NoRouteReason.NO_SRV_RECORD,
              PREFIX + domain + " is longer than a DNS name can be",
              clock.instant().plus(MAX_TTL)));
    }
    Message query = Message.newQuery(Record.newRecord(qname, Type.SRV, DClass.IN));
    CompletableFuture<Message> sent;
    try {
      sent = resolver.sendAsync(query).toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              Integer serverError = servers.takeServerError(query);
              if (error != null) {
                return failure(qname, error);
              }
              if (serverError != null) {
                return serverFailure(qname, serverError);
              }
              return read(qname, response);
            });
  }

  /** The exception's message, or its kind when it has none (a refused query has none). */
  private static String describe(Throwable e) {
    if (e instanceof java.net.PortUnreachableException) {
      return "refused (ICMP port unreachable: no DNS server at that address)"
          + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private SrvAnswer failure(Name qname, Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof SocketTimeoutException || e instanceof TimeoutException) {
      return new SrvAnswer.Failed(
          FailureReason.TIMEOUT, "no answer in time for " + qname + " SRV", e);
    }
    if (e instanceof IOException) {
      return new SrvAnswer.Failed(
          FailureReason.NETWORK, "DNS query for " + qname + " SRV failed: " + describe(e), e);
    }
    return new SrvAnswer.Failed(
        FailureReason.MALFORMED, "unusable DNS answer for " + qname + " SRV: " + e, e);
  }

  private static SrvAnswer serverFailure(Name qname, int rcode) {
    return new SrvAnswer.Failed(
        FailureReason.SERVER_FAILURE,
        "DNS server answered " + Rcode.string(rcode) + " for " + qname + " SRV",
        null);
  }

  private SrvAnswer read(Name qname, Message response) {
    Instant now = clock.instant();
    if (!response.getHeader().getFlag(Flags.QR)) {
      return new SrvAnswer.Failed(
          FailureReason.MALFORMED,
          "the message answering " + qname + " SRV has the QR bit clear: it is not a response",
          null);
    }
    int rcode = response.getRcode();
    boolean validating = dnssec != DnssecPolicy.OFF;
    if (rcode == Rcode.SERVFAIL && validating) {
      String reason = validationReason(response);
      if (reason != null) {
        return new SrvAnswer.Failed(
            FailureReason.DNSSEC_BOGUS,
            "DNSSEC validation failed for " + qname + ": " + reason,
            null);
      }
    }
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return serverFailure(qname, rcode);
    }
    if (response.getHeader().getFlag(Flags.TC)) {
      return new SrvAnswer.Failed(
          FailureReason.MALFORMED,
          "the answer for " + qname + " SRV is truncated even over TCP",
          null);
    }
    boolean secure = validating && response.getHeader().getFlag(Flags.AD);
    if (dnssec == DnssecPolicy.REQUIRE && !secure) {
      return new SrvAnswer.Failed(
          FailureReason.DNSSEC_UNSIGNED,
          "the answer for " + qname + " SRV is not DNSSEC-signed and the policy requires it",
          null);
    }
    RouteSource source = secure ? RouteSource.SRV_DNSSEC : RouteSource.SRV;
    String signed = secure ? " (DNSSEC-validated)" : "";
    Chain chain = cnameChain(qname, response);
    if (chain.problem() != null) {
      return new SrvAnswer.Failed(FailureReason.MALFORMED, chain.problem(), null);
    }
    if (rcode == Rcode.NXDOMAIN) {
      if (chain.aliased()) {
        return new SrvAnswer.Failed(
            FailureReason.MALFORMED,
            "dangling CNAME: "
                + qname
                + " is an alias of "
                + chain.end()
                + ", which does not exist",
            null);
      }
      return new SrvAnswer.Negative(
          NoRouteReason.NO_SRV_RECORD,
          qname + " does not exist (NXDOMAIN)" + signed,
          now.plus(negativeTtl(response)));
    }
    List<SRVRecord> srvs = srvRecords(chain.end(), response);
    if (srvs.isEmpty() && chain.aliased() && !hasSoa(response)) {
      return new SrvAnswer.Failed(
          FailureReason.MALFORMED,
          "dangling CNAME: "
              + qname
              + " is an alias of "
              + chain.end()
              + ", and the answer has neither its SRV records nor a SOA saying it has none",
          null);
    }
    if (srvs.isEmpty()) {
      return new SrvAnswer.Negative(
          NoRouteReason.NO_SRV_RECORD,
          qname + " has no SRV records (NODATA)" + signed,
          now.plus(negativeTtl(response)));
    }
    Duration ttl = MAX_TTL;
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof SRVRecord || r instanceof CNAMERecord) {
        ttl = min(ttl, Duration.ofSeconds(r.getTTL()));
      }
    }
    Instant expires = now.plus(ttl);
    if (srvs.size() == 1 && srvs.get(0).getTarget().equals(Name.root)) {
      return new SrvAnswer.Negative(
          NoRouteReason.NO_SERVICE, qname + " says \"no service\" (target .)" + signed, expires);
    }
    return candidates(qname, srvs, source, expires, signed);
  }

  private SrvAnswer candidates(
      Name qname, List<SRVRecord> srvs, RouteSource source, Instant expires, String signed) {
    List<SRVRecord> sorted = new ArrayList<>(srvs);
    sorted.sort(Comparator.comparingInt(SRVRecord::getPriority));
    Set<OnionTarget> seen = new LinkedHashSet<>();
    List<Candidate> out = new ArrayList<>();
    int dropped = 0;
    String firstReason = null;
    for (SRVRecord r : sorted) {
      String reason = null;
      OnionTarget target = null;
      if (r.getTarget().equals(Name.root)) {
        reason = "target . among other records";
      } else {
        try {
          target = new OnionTarget(OnionAddress.parse(r.getTarget().toString()), r.getPort());
        } catch (InvalidOnionAddressException e) {
          reason = e.getMessage();
        }
      }
      if (target == null) {
        dropped++;
        firstReason = firstReason == null ? reason : firstReason;
        if (dropped <= MAX_LOGGED_DROPS) {
          log.warn("dropping SRV record {} of {}: {}", r.rdataToString(), qname, reason);
        }
      } else if (seen.add(target) && out.size() < MAX_TARGETS) {
        out.add(new Candidate(r.getPriority(), r.getWeight(), target));
      }
    }
    if (dropped > MAX_LOGGED_DROPS) {
      log.warn("dropped {} SRV records of {} in all", dropped, qname);
    }
    if (seen.size() > MAX_TARGETS) {
      log.warn("{} lists {} onion targets; keeping the first {}", qname, seen.size(), MAX_TARGETS);
    }
    if (out.isEmpty()) {
      return new SrvAnswer.Negative(
          NoRouteReason.NO_VALID_TARGET,
          qname
              + ": "
              + srvs.size()
              + " SRV records, none with a valid v3 onion target ("
              + firstReason
              + ")"
              + signed,
          expires);
    }
    return new SrvAnswer.Found(out, source, expires);
  }

  /**
   * Where the CNAMEs of the answer section lead from {@code qname}: the name whose records answer
   * the question, whether any alias was followed, and what makes the chain unusable (a loop, a name
   * with two different aliases, more than {@link #MAX_CNAME_HOPS} aliases), or null.
   */
  private record Chain(Name end, boolean aliased, String problem) {}

  /** More aliases than this in one answer make it unusable (dnsjava's Lookup allows 10). */
  static final int MAX_CNAME_HOPS = 8;

  private static Chain cnameChain(Name qname, Message response) {
    List<Record> answer = response.getSection(Section.ANSWER);
    Set<Name> seen = new LinkedHashSet<>();
    Name owner = qname;
    seen.add(owner);
    for (int hops = 0; ; hops++) {
      Name next = null;
      for (Record r : answer) {
        if (r instanceof CNAMERecord c && c.getName().equals(owner)) {
          if (next != null && !next.equals(c.getTarget())) {
            return new Chain(owner, true, owner + " has two different CNAMEs in the answer");
          }
          next = c.getTarget();
        }
      }
      if (next == null) {
        return new Chain(owner, hops > 0, null);
      }
      if (!seen.add(next)) {
        return new Chain(next, true, "CNAME loop: " + joined(seen) + " -> " + next);
      }
      if (hops + 1 > MAX_CNAME_HOPS) {
        return new Chain(next, true, "more than " + MAX_CNAME_HOPS + " CNAMEs from " + qname);
      }
      owner = next;
    }
  }

  private static String joined(Set<Name> names) {
    StringBuilder b = new StringBuilder();
    for (Name n : names) {
      b.append(b.length() == 0 ? "" : " -> ").append(n);
    }
    return b.toString();
  }

  /** The SRV records of {@code owner} (the end of the CNAME chain) in the answer section. */
  private static List<SRVRecord> srvRecords(Name owner, Message response) {
    List<SRVRecord> out = new ArrayList<>();
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof SRVRecord s && s.getName().equals(owner) && r.getDClass() == DClass.IN) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean hasSoa(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord) {
        return true;
      }
    }
    return false;
  }

  /** RFC 2308: the lesser of the SOA's TTL and its MINIMUM; zero (no caching) without a SOA. */
  private static Duration negativeTtl(Message response) {
    for (Record r : response.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord soa) {
        return min(MAX_TTL, Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum())));
      }
    }
    return Duration.ZERO;
  }

  /** The validator's reason for a bogus answer (EDE option or its TXT record), or null. */
  private static String validationReason(Message response) {
    OPTRecord opt = response.getOPT();
    if (opt != null) {
      for (EDNSOption o : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
        ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) o;
        String text = ede.getText();
        return ExtendedErrorCodeOption.text(ede.getErrorCode())
            + (text == null || text.isEmpty() ? "" : ": " + text);
      }
    }
    for (Record r : response.getSection(Section.ADDITIONAL)) {
      if (r instanceof TXTRecord t
          && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
        return String.join("", t.getStrings());
      }
    }
    return null;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
