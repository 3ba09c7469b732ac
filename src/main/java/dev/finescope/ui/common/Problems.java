package dev.finescope.ui.common;

import dev.finescope.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** Turns a failure into the one line a user reads: the file and the problem, without a stack trace. */
public final class Problems {

    private Problems() {
    }

    /** The message of a failure as a person should see it. */
    public static String describe(Throwable t) {
        Throwable e = t;
        while ((e instanceof UncheckedIOException || e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CheckpointException || e instanceof WorkspaceException) {
            return oneLine(e.getMessage());
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file or folder";
        }
        if (e instanceof IOException) {
            return oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        String m = e.getMessage();
        return "unexpected " + e.getClass().getSimpleName() + (m == null ? "" : ": " + oneLine(m));
    }

    public static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
