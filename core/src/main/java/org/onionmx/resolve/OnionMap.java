package org.onionmx.resolve;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pinned, immutable map from mail domains to the onion service that takes their mail. A pinned
 * domain is routed without any DNS query.
 *
 * <p>This is the minimal core of the type; loading (YAML and Postfix forms), merging and the
 * bundled public map are added by the map work.
 */
public final class OnionMap {
  private static final OnionMap EMPTY = new OnionMap(Map.of());

  private final Map<String, OnionTarget> routes;

  private OnionMap(Map<String, OnionTarget> routes) {
    this.routes = routes;
  }

  /** A map with no entries. */
  public static OnionMap empty() {
    return EMPTY;
  }

  /**
   * A map of the given entries; domains are normalised.
   *
   * @throws InvalidDomainException if a key is not a valid domain
   */
  public static OnionMap of(Map<String, OnionTarget> entries) {
    Map<String, OnionTarget> copy = new java.util.HashMap<>();
    entries.forEach((domain, target) -> copy.put(DomainNames.normalize(domain), target));
    return new OnionMap(Map.copyOf(copy));
  }

  /**
   * The pinned target of a domain.
   *
   * @param normalizedDomain a domain already passed through {@link DomainNames#normalize}
   */
  public Optional<OnionTarget> lookup(String normalizedDomain) {
    return Optional.ofNullable(routes.get(normalizedDomain));
  }

  /** The number of routed domains. */
  public int size() {
    return routes.size();
  }

  /** All routed domains and their targets, sorted by domain. */
  public Map<String, OnionTarget> entries() {
    return new TreeMap<>(routes);
  }
}
