/**
 * A training run seen from outside: its spec, its folder, its event stream and the launcher that starts
 * {@code finescope train} as a separate process and follows it. The app reaches training only through here.
 */
package dev.finescope.run;
