package dev.finescope.checkpoint.imports;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Reads model files straight out of a jar or zip, without unpacking it: entries stored without compression
 * are memory-mapped where they lie, compressed ones are streamed.
 */
final class JarAccess implements AutoCloseable {

    /** Small entries (vocabularies, tokenizers, configs) are read whole; anything larger is refused. */
    static final long SMALL_ENTRY_LIMIT = 256L << 20;
    private static final int READ_BUFFER = 1 << 20;
    private static final int INFLATE_BUFFER = 1 << 16;

    private final Path jar;
    private final ZipFile zip;

    private JarAccess(Path jar, ZipFile zip) {
        this.jar = jar;
        this.zip = zip;
    }

    static JarAccess open(Path jar) {
        try {
            return new JarAccess(jar, ZipFile.builder().setPath(jar).get());
        } catch (IOException e) {
            throw ImportProblems.of(jar, "not a readable jar or zip: " + e.getMessage(), e);
        }
    }

    Path path() {
        return jar;
    }

    /** Entry names in the order of the central directory, folders left out. */
    List<String> names() {
        List<String> out = new ArrayList<>();
        for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
            if (!e.isDirectory()) {
                out.add(e.getName());
            }
        }
        return out;
    }

    ZipArchiveEntry entry(String name) {
        ZipArchiveEntry e = zip.getEntry(name);
        if (e == null) {
            throw ImportProblems.of(jar, "no entry " + name);
        }
        return e;
    }

    boolean has(String name) {
        return zip.getEntry(name) != null;
    }

    long size(String name) {
        return entry(name).getSize();
    }

    /** True when the entry's bytes lie uncompressed in the jar and can be mapped. */
    boolean isStored(String name) {
        ZipArchiveEntry e = entry(name);
        return e.getMethod() == ZipArchiveEntry.STORED && e.getSize() >= 0 && e.getDataOffset() > 0
                && e.getSize() <= Integer.MAX_VALUE;
    }

    /** Maps a stored entry's bytes read-only. */
    ByteBuffer map(String name) {
        ZipArchiveEntry e = entry(name);
        try (FileChannel ch = FileChannel.open(jar, StandardOpenOption.READ)) {
            if (e.getDataOffset() + e.getSize() > ch.size()) {
                throw ImportProblems.of(jar, "entry " + name + " runs past the end of the jar");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, e.getDataOffset(), e.getSize())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw ImportProblems.of(jar, "cannot map entry " + name + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The entry's bytes as a stream. Deflated entries are inflated from a 1 MiB read buffer: the library's own
     * stream reads the jar 512 bytes at a time, which made inflating a 400 MB model four times slower.
     */
    InputStream stream(String name) {
        ZipArchiveEntry e = entry(name);
        try {
            if (e.getMethod() == ZipArchiveEntry.DEFLATED) {
                InputStream raw = new BufferedInputStream(zip.getRawInputStream(e), READ_BUFFER);
                Inflater inflater = new Inflater(true);
                return new InflaterInputStream(raw, inflater, INFLATE_BUFFER) {
                    private boolean closed;

                    @Override
                    public void close() throws IOException {
                        if (!closed) {
                            closed = true;
                            try {
                                super.close();
                            } finally {
                                inflater.end();
                            }
                        }
                    }
                };
            }
            return zip.getInputStream(e);
        } catch (IOException ex) {
            throw ImportProblems.of(jar, "cannot read entry " + name + ": " + ex.getMessage(), ex);
        }
    }

    /** A small entry's bytes. */
    byte[] read(String name) {
        long size = size(name);
        if (size > SMALL_ENTRY_LIMIT) {
            throw ImportProblems.of(jar, "entry " + name + " is " + size + " bytes, too large to read whole");
        }
        try (InputStream in = stream(name)) {
            byte[] b = in.readNBytes((int) SMALL_ENTRY_LIMIT + 1);
            if (b.length > SMALL_ENTRY_LIMIT) {
                throw ImportProblems.of(jar, "entry " + name + " is too large to read whole");
            }
            return b;
        } catch (IOException e) {
            throw ImportProblems.of(jar, "cannot read entry " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw ImportProblems.of(jar, "cannot close: " + e.getMessage(), e);
        }
    }
}
