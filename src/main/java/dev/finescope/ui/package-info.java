/**
 * The JavaFX desktop app. The only package that touches JavaFX; it reaches training only through {@code run}.
 */
package dev.finescope.ui;
