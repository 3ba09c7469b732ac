package dev.finescope.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** One run of the command line in-process, with what it printed. */
record CliRun(int code, String out, String err) {

    static CliRun of(Runnable openApp, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FineScopeCommand.execute(args, openApp, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    static CliRun of(String... args) {
        return of(() -> {
            throw new AssertionError("the app must not open for a command");
        }, args);
    }

    List<String> errLines() {
        return err.lines().toList();
    }
}
