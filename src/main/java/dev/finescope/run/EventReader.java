package dev.finescope.run;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows an {@code events.jsonl} that another process may still be writing: each {@link #poll()} returns the
 * events of the lines completed since the last one and keeps an unfinished last line for later. Lines that are
 * not events are not fatal: they are collected in {@link #problems()} with their line number, because a run's
 * history is worth showing even when one line of it is damaged.
 */
public final class EventReader {

    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private long offset;
    private long lineNumber;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final List<String> problems = new ArrayList<>();

    public EventReader(Path file) {
        this.file = file;
    }

    /** Reads a whole events file at once; an absent file is an empty history. */
    public static EventHistory readAll(Path file) {
        EventReader r = new EventReader(file);
        List<RunEvent> events = r.poll();
        return new EventHistory(events, r.problems(), r.partialLine());
    }

    /**
     * Parses an event stream line by line until it ends (a run process's standard output): events go to
     * {@code events}, every other line (log output a library printed, a damaged line) to {@code otherLines}.
     * Blocks; run it on a thread of its own. An I/O error of the stream comes out as an
     * {@link UncheckedIOException}.
     */
    public static void follow(InputStream in, Consumer<RunEvent> events, Consumer<String> otherLines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                Optional<RunEvent> e = tryParse(line);
                if (e.isPresent()) {
                    events.accept(e.get());
                } else if (!line.isBlank()) {
                    otherLines.accept(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of the lines completed since the last call; empty while the file does not exist. */
    public synchronized List<RunEvent> poll() {
        List<RunEvent> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < offset) {
                problems.add(file.getFileName() + " became shorter; reading it again from the start");
                offset = 0;
                lineNumber = 0;
                pending.reset();
            }
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            while (offset < size) {
                buf.clear();
                int n = ch.read(buf, offset);
                if (n <= 0) {
                    break;
                }
                offset += n;
                byte[] a = buf.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (a[i] == '\n') {
                        pending.write(a, start, i - start);
                        line(pending.toString(StandardCharsets.UTF_8), out);
                        pending.reset();
                        start = i + 1;
                    }
                }
                pending.write(a, start, n - start);
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new RunException(file, "cannot read the events: " + e.getMessage(), e);
        }
        return out;
    }

    /** Text after the last line break, if the writer has not finished that line (or never will: a crash). */
    public synchronized Optional<String> partialLine() {
        return pending.size() == 0 ? Optional.empty() : Optional.of(pending.toString(StandardCharsets.UTF_8));
    }

    /** Lines that were not events, as "events.jsonl line 7: …", in the order met. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    private void line(String text, List<RunEvent> out) {
        lineNumber++;
        String t = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        if (t.isBlank()) {
            return;
        }
        try {
            out.add(RunEvent.parse(t));
        } catch (IllegalArgumentException e) {
            problems.add(file.getFileName() + " line " + lineNumber + ": " + e.getMessage());
        }
    }

    private static Optional<RunEvent> tryParse(String line) {
        String t = line.strip();
        if (!t.startsWith("{")) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunEvent.parse(t));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
