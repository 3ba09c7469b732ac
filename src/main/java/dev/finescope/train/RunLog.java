package dev.finescope.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The human-readable log of a run ({@code log.txt} in its folder): one time-stamped line per thing worth knowing
 * (what was loaded, sizes, progress every few steps, evaluations, how it ended), flushed line by line so the app's
 * log view and {@code tail -f} see it at once. Each line can also go to a mirror (the command's standard error).
 * A log that cannot be written never stops a run: the events file is the record that counts.
 */
public final class RunLog implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(RunLog.class);

    private final Path file;
    private final Consumer<String> mirror;
    private Writer out;

    private RunLog(Path file, Writer out, Consumer<String> mirror) {
        this.file = file;
        this.out = out;
        this.mirror = mirror;
    }

    /** Appends to {@code file} (created if needed) and mirrors every line to {@code mirror} (may be null). */
    public static RunLog open(Path file, Consumer<String> mirror) {
        Writer w = null;
        try {
            w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOGGER.warn("Cannot open the run log {}: {}", file, e.getMessage());
        }
        return new RunLog(file, w, mirror);
    }

    /** A log that only mirrors (no file). */
    public static RunLog mirrorOnly(Consumer<String> mirror) {
        return new RunLog(null, null, mirror);
    }

    public Path file() {
        return file;
    }

    /** Writes one line, prefixed with the UTC time. */
    public synchronized void info(String line) {
        String stamped = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line;
        LOGGER.debug(line);
        if (out != null) {
            try {
                out.write(stamped);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                LOGGER.warn("The run log {} cannot be written any more: {}", file, e.getMessage());
                closeQuietly();
            }
        }
        if (mirror != null) {
            mirror.accept(stamped);
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOGGER.debug("closing {}: {}", file, e.getMessage());
            }
            out = null;
        }
    }
}
