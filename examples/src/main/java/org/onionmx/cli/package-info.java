/**
 * The {@code onionmx} command-line tool ({@link org.onionmx.cli.OnionMxCommand}, the main class of
 * {@code examples/target/onionmx.jar}): {@code resolve}, {@code send}, {@code map check|export},
 * {@code relay-check}, {@code tor status} and {@code postfix-table}, which serves {@link
 * org.onionmx.postfix}. Not a library API: the samples are in {@link org.onionmx.examples}.
 */
package org.onionmx.cli;
