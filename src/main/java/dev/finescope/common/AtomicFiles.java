package dev.finescope.common;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Whole-file writes that readers see complete or not at all: a plan, a run's spec or events, a chart, a CSV or a
 * cache file is written under a hidden temporary name in the target's folder and then renamed over the target in
 * one atomic step. A crash or a failed write leaves the old file as it was and no temporary file behind. The
 * temporary file gets the folder's default permissions (not {@link Files#createTempFile}'s owner-only ones), so
 * the finished file has the permissions any other file written there would have.
 */
public final class AtomicFiles {

    /** Writes a file's content to an open stream; the body of an atomic write. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Writes {@code bytes} as the whole content of {@code target}, creating its folder when it is missing. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes what {@code content} produces as the whole content of {@code target}: to {@code .NAME.RANDOM.tmp} in
     * the same folder (created when missing), then moved into place atomically, replacing an existing file. The
     * temporary file is removed when anything fails.
     */
    public static void write(Path target, Content content) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        writeChannel(target, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel));
            content.writeTo(out);
            out.flush();
        });
    }

    /** Writes a file's content to an open channel, for writers that work with positions (safetensors). */
    @FunctionalInterface
    public interface ChannelContent {
        void writeTo(FileChannel out) throws IOException;
    }

    /**
     * As {@link #write(Path, Content)}, through a channel, into a folder that must exist: the content is forced to
     * the disk before the move, so that a crash right after leaves either the old file or the whole new one.
     */
    public static void writeChannel(Path target, ChannelContent content) throws IOException {
        Path absolute = target.toAbsolutePath();
        String name = "." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp";
        Path temp = absolute.getParent().resolve(name);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
