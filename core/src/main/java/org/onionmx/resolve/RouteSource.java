package org.onionmx.resolve;

/** Where a route came from; {@link #label()} is the short name the CLI and logs print. */
public enum RouteSource {
  /** A pinned static map: no DNS query was made. */
  MAP("map"),
  /** An {@code _onion-mx._tcp} SRV record that was not DNSSEC-validated. */
  SRV("srv"),
  /** An {@code _onion-mx._tcp} SRV record whose answer DNSSEC validated (secure). */
  SRV_DNSSEC("srv+dnssec"),
  /** The recipient domain is itself an onion address: delivered directly, no DNS. */
  ONION_DOMAIN("onion");

  private final String label;

  RouteSource(String label) {
    this.label = label;
  }

  /** The short name: {@code map}, {@code srv}, {@code srv+dnssec} or {@code onion}. */
  public String label() {
    return label;
  }

  /** True if an attacker on the DNS path could not have forged this route. */
  public boolean authenticated() {
    return this != SRV;
  }
}
