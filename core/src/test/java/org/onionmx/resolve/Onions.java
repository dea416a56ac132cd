package org.onionmx.resolve;

/** Valid v3 onion names for tests. */
final class Onions {
  static final String A = "25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion";
  static final String B = "aj3nsqqcksrrc5cye5etjsoewz6jrygpekzwoko3q6wyxjlb3dgasfid.onion";
  static final String C = "llqiiswupgezsco4ux47cco3bxsaihbss5c3piefv6bhvpgfofyk7kad.onion";
  static final String D = "abupq2yypwtojgupttylrbwnabmpmydsf4evb2onasmib2go23jyyhqd.onion";
  static final String E = "asgsory2hji5qpkmgyig2nzquolu5qhsfhz2qaiixdfgivzxlhrahzyd.onion";

  private Onions() {}

  static OnionTarget target(String onion, int port) {
    return new OnionTarget(OnionAddress.parse(onion), port);
  }
}
