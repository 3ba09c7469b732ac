/**
 * What every page of the window shares: the workspace state, the background executor and its progress tasks,
 * dialogs, chart panes and figures for export, CSV tables and number formats. The pages ({@code ui},
 * {@code ui.plan}, {@code ui.runs}, {@code ui.whatif}) depend on it; it depends on none of them.
 */
package dev.finescope.ui.common;
