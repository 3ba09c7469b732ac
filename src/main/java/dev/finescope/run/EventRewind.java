package dev.finescope.run;

import dev.finescope.common.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cuts a run's events back to a checkpoint, so that a resumed run does not report the steps it does again twice.
 * A process stopped after its checkpoint of step S (killed, interrupted, cancelled) may have written more: steps
 * and evaluations after S, a checkpoint event, its terminal event (or the one the launcher wrote for it), a line
 * cut off by SIGKILL. The events kept are the longest prefix of whole, known, non-terminal events whose step is
 * at most S; everything from the first other line on is dropped, and the file is replaced atomically.
 */
public final class EventRewind {

    /** What a rewind kept and dropped, in lines. */
    public record Result(int kept, int discarded) {
    }

    private EventRewind() {
    }

    /** Rewinds {@code eventsFile} to the events of the first {@code step} steps; a missing file stays missing. */
    public static Result toStep(Path eventsFile, long step) {
        if (!Files.exists(eventsFile)) {
            return new Result(0, 0);
        }
        try {
            byte[] all = Files.readAllBytes(eventsFile);
            ByteArrayOutputStream keep = new ByteArrayOutputStream(all.length);
            int kept = 0;
            int discarded = 0;
            boolean cut = false;
            int start = 0;
            while (start < all.length) {
                int end = start;
                while (end < all.length && all[end] != '\n') {
                    end++;
                }
                boolean whole = end < all.length;
                String line = new String(all, start, end - start, StandardCharsets.UTF_8);
                if (!line.isBlank()) {
                    if (!cut && (!whole || !belongsBefore(line, step))) {
                        cut = true;
                    }
                    if (cut) {
                        discarded++;
                    } else {
                        keep.write(all, start, end - start + 1);
                        kept++;
                    }
                }
                start = end + 1;
            }
            if (discarded > 0) {
                AtomicFiles.write(eventsFile, keep.toByteArray());
            }
            return new Result(kept, discarded);
        } catch (IOException e) {
            throw new RunException(eventsFile, "cannot be cut back to step " + step + ": " + e.getMessage(), e);
        }
    }

    private static boolean belongsBefore(String line, long step) {
        RunEvent e;
        try {
            e = RunEvent.parse(line);
        } catch (IllegalArgumentException notAnEvent) {
            return false;
        }
        if (e.isTerminal()) {
            return false;
        }
        return stepOf(e) <= step;
    }

    private static long stepOf(RunEvent e) {
        if (e instanceof RunEvent.Step s) {
            return s.step();
        }
        if (e instanceof RunEvent.Evaluation v) {
            return v.step();
        }
        if (e instanceof RunEvent.CheckpointSaved c) {
            return c.step();
        }
        if (e instanceof RunEvent.Resumed r) {
            return r.step();
        }
        return 0;
    }
}
