/**
 * The {@code finescope} commands ({@code analyze}, …): thin picocli wrappers over the core packages that
 * print results, write files atomically and turn every bad input into one clear line and exit code 2.
 */
package dev.finescope.cli;
