/**
 * A Postfix tcp_table(5) transport-map server backed by the onion resolver ({@link
 * org.onionmx.postfix.TcpTableServer}), behind {@code onionmx postfix-table}.
 */
package org.onionmx.postfix;
