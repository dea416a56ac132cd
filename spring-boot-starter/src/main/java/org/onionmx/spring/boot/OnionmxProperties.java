package org.onionmx.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.onionmx.deliver.TlsMode;
import org.onionmx.resolve.DnssecPolicy;
import org.onionmx.tor.IsolationMode;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code onionmx.*} properties: the {@code mail.onion-smtp.*} settings of the Jakarta Mail
 * adapter, typed. A property left unset is not passed on, so the adapter and the core keep their
 * own defaults (named here for reference); durations take Boot's units ({@code 5s}, {@code 2m}) and
 * a bare number is milliseconds, as in the adapter.
 */
@ConfigurationProperties("onionmx")
public class OnionmxProperties {
  /** Tor's SOCKS listener. */
  private final Socks socks = new Socks();

  /**
   * Tor stream isolation: per-destination (one circuit per onion service, the default),
   * per-message, or none.
   */
  private IsolationMode isolation;

  /**
   * Pinned routes: map files in YAML or Postfix form, "bundled" (the public onionmx map, the
   * default), or "none". A pinned map is consulted before any SRV look-up.
   */
  private List<String> map = new ArrayList<>();

  /** Whether to look up _onion-mx._tcp SRV records for unpinned domains (default true). */
  private Boolean srv;

  /** DNS for the SRV look-ups. */
  private final Dns dns = new Dns();

  /** DNSSEC for SRV answers: require, prefer (the default) or off. */
  private DnssecPolicy dnssec;

  /**
   * Domains without an onion route: onion-preferred sends them through Boot's spring.mail.* relay,
   * onion-only fails them. Default onion-preferred when spring.mail.host is set, else onion-only.
   */
  private Policy policy;

  /** Domains that fail closed without an onion route, under either policy. */
  private List<String> requireOnion = new ArrayList<>();

  /**
   * TLS on the onion hop: off (the default), opportunistic or required; the certificate is checked
   * against the recipient domain, never the onion name.
   */
  private TlsMode starttls;

  /** TLS on the onion hop. */
  private final Tls tls = new Tls();

  /** The EHLO name on the onion hop (default [127.0.0.1]); never the local host name. */
  private String ehlo;

  /** Whether to pipeline MAIL FROM, RCPT TO and DATA (RFC 2920) where offered (default true). */
  private Boolean pipelining;

  /** Time to connect to Tor's SOCKS port (default 5s). */
  private Duration connectionTimeout;

  /** Time to wait for each SMTP reply on the onion hop but the final one (default 5m). */
  private Duration timeout;

  /** Time to wait for the reply to a message's final "." (default 10m). */
  private Duration endOfDataTimeout;

  /** How long an unused onion session, and an unused shared stack, is kept (default 60s). */
  private Duration idleTimeout;

  /** Tor's control port, for NEWNYM recovery and the bootstrap state. */
  private final Control control = new Control();

  /** The Tor health monitor and the health indicator. */
  private final Health health = new Health();

  public Socks getSocks() {
    return socks;
  }

  public IsolationMode getIsolation() {
    return isolation;
  }

  public void setIsolation(IsolationMode isolation) {
    this.isolation = isolation;
  }

  public List<String> getMap() {
    return map;
  }

  public void setMap(List<String> map) {
    this.map = map;
  }

  public Boolean getSrv() {
    return srv;
  }

  public void setSrv(Boolean srv) {
    this.srv = srv;
  }

  public Dns getDns() {
    return dns;
  }

  public DnssecPolicy getDnssec() {
    return dnssec;
  }

  public void setDnssec(DnssecPolicy dnssec) {
    this.dnssec = dnssec;
  }

  public Policy getPolicy() {
    return policy;
  }

  public void setPolicy(Policy policy) {
    this.policy = policy;
  }

  public List<String> getRequireOnion() {
    return requireOnion;
  }

  public void setRequireOnion(List<String> requireOnion) {
    this.requireOnion = requireOnion;
  }

  public TlsMode getStarttls() {
    return starttls;
  }

  public void setStarttls(TlsMode starttls) {
    this.starttls = starttls;
  }

  public Tls getTls() {
    return tls;
  }

  public String getEhlo() {
    return ehlo;
  }

  public void setEhlo(String ehlo) {
    this.ehlo = ehlo;
  }

  public Boolean getPipelining() {
    return pipelining;
  }

  public void setPipelining(Boolean pipelining) {
    this.pipelining = pipelining;
  }

  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  public Duration getTimeout() {
    return timeout;
  }

  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  public Duration getEndOfDataTimeout() {
    return endOfDataTimeout;
  }

  public void setEndOfDataTimeout(Duration endOfDataTimeout) {
    this.endOfDataTimeout = endOfDataTimeout;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public Control getControl() {
    return control;
  }

  public Health getHealth() {
    return health;
  }

  /** What happens to a domain without an onion route. */
  public enum Policy {
    /** Send it through the relay (Boot's {@code spring.mail.*}). */
    ONION_PREFERRED,
    /** Fail it: nothing goes over the clearnet. */
    ONION_ONLY
  }

  /** Tor's SOCKS listener. */
  public static class Socks {
    /**
     * An IP address or localhost (a name is refused, never looked up). Default 127.0.0.1, or the
     * control port's first SocksPort when control is configured and socks is not.
     */
    private String host;

    /** Its port (default 9050). */
    private Integer port;

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }
  }

  /** DNS for SRV look-ups. */
  public static class Dns {
    /** DNS servers as host[:port] (default the system's). */
    private List<String> servers = new ArrayList<>();

    /** Whether SRV look-ups go as DNS over TCP through Tor to the servers (default false). */
    private Boolean overTor;

    public List<String> getServers() {
      return servers;
    }

    public void setServers(List<String> servers) {
      this.servers = servers;
    }

    public Boolean getOverTor() {
      return overTor;
    }

    public void setOverTor(Boolean overTor) {
      this.overTor = overTor;
    }
  }

  /** TLS on the onion hop. */
  public static class Tls {
    /**
     * Public-key pins by recipient domain, each sha256/ and the Base64 SHA-256 of the
     * SubjectPublicKeyInfo; several for a key roll-over. A domain key with dots needs brackets:
     * onionmx.tls.pins[example.org]=sha256/...
     */
    private Map<String, List<String>> pins = new LinkedHashMap<>();

    public Map<String, List<String>> getPins() {
      return pins;
    }

    public void setPins(Map<String, List<String>> pins) {
      this.pins = pins;
    }
  }

  /** Tor's control port; setting any of these turns it on. */
  public static class Control {
    /** An IP address or localhost (default 127.0.0.1). */
    private String host;

    /** Its port (default 9051). */
    private Integer port;

    /** The control password (HashedControlPassword); not with cookie. */
    private String password;

    /** The cookie file (Debian: /run/tor/control.authcookie); not with password. */
    private Path cookie;

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public Path getCookie() {
      return cookie;
    }

    public void setCookie(Path cookie) {
      this.cookie = cookie;
    }
  }

  /** The Tor health monitor's stall rule, and the health indicator's probe. */
  public static class Health {
    /** The stall rule: temporary Tor failures in a run (default 3). */
    private Integer stallFailures;

    /** The stall rule: distinct onions the run must span (default 2, at most stall-failures). */
    private Integer stallDestinations;

    /** The stall rule: how long a failure stays in the run (default 10m). */
    private Duration stallWindow;

    /**
     * The health indicator's TCP connect to the SOCKS listener: how long it may take before the
     * listener counts as unreachable. Not an adapter setting.
     */
    private Duration probeTimeout = Duration.ofSeconds(1);

    public Integer getStallFailures() {
      return stallFailures;
    }

    public void setStallFailures(Integer stallFailures) {
      this.stallFailures = stallFailures;
    }

    public Integer getStallDestinations() {
      return stallDestinations;
    }

    public void setStallDestinations(Integer stallDestinations) {
      this.stallDestinations = stallDestinations;
    }

    public Duration getStallWindow() {
      return stallWindow;
    }

    public void setStallWindow(Duration stallWindow) {
      this.stallWindow = stallWindow;
    }

    public Duration getProbeTimeout() {
      return probeTimeout;
    }

    public void setProbeTimeout(Duration probeTimeout) {
      this.probeTimeout = probeTimeout;
    }
  }
}
