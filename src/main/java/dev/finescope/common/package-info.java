/**
 * The small shared base of every other package: progress and cancel of long work, atomic whole-file writes, CSV
 * lines, the one-line problem every part reports, and "latest wins" ordering of requests. Depends on nothing of
 * FineScope.
 */
package dev.finescope.common;
