package dev.finescope.train.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Physical lines of a UTF-8 file with their numbers, and the SHA-256 of every byte read. Lines end at
 * {@code \n} or {@code \r\n} only (a lone {@code \r} or U+0085 stays in the text). A line that is not valid UTF-8
 * is still returned, decoded with replacement characters and flagged, so that the row it belongs to becomes a
 * {@link Problem} with its line number instead of an error for the whole file. A byte order mark at the start
 * of the file is dropped.
 */
final class LineReader implements Closeable {

    /** Longer lines mean a binary file or a file without line ends; reading it would only fill the heap. */
    static final int MAX_LINE_BYTES = 16 << 20;

    /** One line without its terminator; {@code terminator} is {@code "\n"}, {@code "\r\n"} or {@code ""} at EOF. */
    record Line(long number, String text, String terminator, boolean malformed) {
    }

    private final InputStream in;
    private final Path file;
    private final MessageDigest digest;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean endOfInput;
    private byte[] line = new byte[256];
    private long number;
    private long bytesRead;
    private String sha256;

    LineReader(InputStream in, Path file) {
        this.in = in;
        this.file = file;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The next line, or {@code null} after the last one. */
    Line next() throws IOException {
        int length = 0;
        boolean newline = false;
        while (!newline) {
            if (position == limit && !fill()) {
                break;
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            length = append(length, end - position);
            if (end < limit) {
                newline = true;
                position = end + 1;
            } else {
                position = limit;
            }
        }
        if (!newline && length == 0) {
            return null;
        }
        number++;
        String terminator = newline ? "\n" : "";
        if (newline && length > 0 && line[length - 1] == '\r') {
            length--;
            terminator = "\r\n";
        }
        int start = 0;
        if (number == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
                && (line[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        // The JDK's replacing decoder is fast; only a line that shows a replacement character is checked strictly,
        // since U+FFFD may also stand in the file itself.
        String text = new String(line, start, length - start, StandardCharsets.UTF_8);
        boolean malformed = text.indexOf('\uFFFD') >= 0 && !isValidUtf8(start, length);
        return new Line(number, text, terminator, malformed);
    }

    private boolean isValidUtf8(int start, int length) {
        try {
            decoder.reset().decode(ByteBuffer.wrap(line, start, length - start));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private int append(int length, int count) {
        if (count == 0) {
            return length;
        }
        if ((long) length + count > MAX_LINE_BYTES) {
            throw new DataException(file, "line " + (number + 1) + " is longer than " + (MAX_LINE_BYTES >> 20)
                    + " MiB: not a text file with one row per line");
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, length + count)));
        }
        System.arraycopy(buffer, position, line, length, count);
        return length + count;
    }

    private boolean fill() throws IOException {
        if (endOfInput) {
            return false;
        }
        int n = in.read(buffer);
        while (n == 0) {
            n = in.read(buffer);
        }
        if (n < 0) {
            endOfInput = true;
            return false;
        }
        digest.update(buffer, 0, n);
        bytesRead += n;
        position = 0;
        limit = n;
        return true;
    }

    /** The number of the last line returned (0 before the first). */
    long lineNumber() {
        return number;
    }

    /** The SHA-256 of the whole input in lower-case hex; only once {@link #next()} has returned {@code null}. */
    String sha256() {
        if (!endOfInput) {
            throw new IllegalStateException("the file is not read to its end yet");
        }
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }

    /** Bytes read so far. */
    long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
