package dev.finescope.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends events to {@code events.jsonl}, one complete line per write, handed to the operating system at once,
 * so that whoever follows the file sees whole lines and a crash can cut off at most the line being written.
 * Optionally mirrors every line to a stream (the trainer's standard output under {@code --events stdout}); when
 * that stream breaks (the watching app went away) the run goes on and the file keeps every event.
 */
public final class EventLog implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(EventLog.class);

    private final Path file;
    private final FileChannel channel;
    private OutputStream mirror;

    private EventLog(Path file, FileChannel channel, OutputStream mirror) {
        this.file = file;
        this.channel = channel;
        this.mirror = mirror;
    }

    /** Opens (creating it if needed) an events file for appending. */
    public static EventLog open(Path file) {
        return open(file, null);
    }

    /**
     * Opens an events file for appending and mirrors every line to {@code mirror} as well. If the file ends in
     * the middle of a line (an earlier writer crashed), a line break is written first so new events start on a
     * line of their own.
     */
    public static EventLog open(Path file, OutputStream mirror) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean midLine = false;
            if (Files.exists(file)) {
                try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
                    long size = r.size();
                    if (size > 0) {
                        ByteBuffer last = ByteBuffer.allocate(1);
                        r.read(last, size - 1);
                        midLine = last.get(0) != '\n';
                    }
                }
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            if (midLine) {
                try {
                    writeFully(ch, ByteBuffer.wrap(new byte[] {'\n'}));
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
            }
            return new EventLog(file, ch, mirror);
        } catch (IOException e) {
            throw new RunException(file, "cannot open the events file: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Writes the event as one line. Terminal events are also forced to the disk, so a finished run stays
     * finished after a power cut.
     */
    public synchronized void append(RunEvent event) {
        byte[] line = (event.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            writeFully(channel, ByteBuffer.wrap(line));
            if (event.isTerminal()) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new RunException(file, "cannot append an event: " + e.getMessage(), e);
        }
        if (mirror != null) {
            try {
                mirror.write(line);
                mirror.flush();
            } catch (IOException e) {
                LOGGER.warn("Events no longer reach the watching process ({}); {} keeps them.", e.getMessage(), file);
                mirror = null;
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOGGER.warn("Closing {} failed: {}", file, e.getMessage());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
