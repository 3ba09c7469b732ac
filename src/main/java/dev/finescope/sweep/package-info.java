/**
 * A sweep: a researcher's grid (tasks × plans × sparsities × seeds × hyper-parameters) as one experiment. A sweep
 * file expands to run specs with ids taken from their content, laid out in one folder ({@code sweep.json},
 * {@code manifest.json}, {@code runs/<id>/}); the runs train as ordinary {@code finescope train} processes, and
 * the sweep's state is read back from its run folders, never stored twice. Results are plain numbers and tables:
 * {@code chart} draws them, {@code cli} and the app show them.
 */
package dev.finescope.sweep;
