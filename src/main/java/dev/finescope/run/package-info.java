/**
 * A training run seen from outside: its spec, its folder, its event stream and the launcher that starts
 * {@code finescope train} as a separate process and follows it. The app reaches training only through here.
 * One check decides whether a spec can start ({@link dev.finescope.run.LaunchCheck}) and one fold says where a
 * run stands after its events ({@link dev.finescope.run.RunState}), whoever starts or watches the run.
 */
package dev.finescope.run;
