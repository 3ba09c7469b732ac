package dev.finescope.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Keeps libtorch's own deprecation notice out of the command line's output. libtorch prints it once, through its
 * C++ logging straight to the process's standard error (file descriptor 2), the first time an operation of DJL's
 * native layer uses {@code AutoNonVariableTypeMode}: "[W… LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode
 * is deprecated…". It says nothing to a FineScope user, and no setting of libtorch's silences it from Java.
 *
 * <p>So descriptor 2 becomes a pipe whose lines are passed on to the real standard error, all but that notice.
 * Java's own {@code System.err} writes to the real standard error directly, so the command's one-line problem and
 * a stack trace are never delayed nor lost at exit; every other native line (a real libtorch error) passes.
 * Unix only; where it cannot be set up, nothing changes.
 */
public final class NativeStderrFilter {

    /** libtorch's notice, and only it. */
    private static final Pattern NOISE = Pattern.compile(
            "\\[W[^\\]]*\\] Warning: AutoNonVariableTypeMode is deprecated and will be removed.*");

    private static volatile boolean installed;

    /** The few calls of the C library this needs. */
    interface LibC extends Library {
        int pipe(int[] fds);

        int dup(int fd);

        int dup2(int from, int to);

        long write(int fd, byte[] buffer, long count);

        long read(int fd, byte[] buffer, long count);

        int close(int fd);
    }

    private NativeStderrFilter() {
    }

    /** True for a line of standard error that is libtorch's deprecation notice. */
    static boolean isNoise(String line) {
        return NOISE.matcher(line).matches();
    }

    /** Puts the filter in place, once; false where it could not be (Windows, no JNA). */
    public static synchronized boolean install() {
        if (installed) {
            return true;
        }
        if (Platform.isWindows()) {
            return false;
        }
        try {
            LibC c = Native.load("c", LibC.class);
            System.err.flush();
            int real = c.dup(2);
            int[] pipe = new int[2];
            if (real < 0 || c.pipe(pipe) != 0) {
                return false;
            }
            if (c.dup2(pipe[1], 2) < 0) {
                c.close(pipe[0]);
                c.close(pipe[1]);
                return false;
            }
            c.close(pipe[1]);
            System.setErr(new PrintStream(new FdStream(c, real), true, StandardCharsets.UTF_8));
            Thread pump = new Thread(() -> pump(c, pipe[0], real), "native-stderr-filter");
            pump.setDaemon(true);
            pump.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // the pipe's last writer goes: the pump reads to its end and passes on what was left
                c.dup2(real, 2);
                try {
                    pump.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "native-stderr-filter-close"));
            installed = true;
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** Passes the pipe's lines on to {@code real}, all but the notice. */
    private static void pump(LibC c, int from, int real) {
        byte[] buffer = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long n;
        while ((n = c.read(from, buffer, buffer.length)) > 0) {
            for (int i = 0; i < n; i++) {
                line.write(buffer[i]);
                if (buffer[i] == '\n') {
                    pass(c, real, line);
                }
            }
        }
        pass(c, real, line);
        c.close(from);
    }

    private static void pass(LibC c, int real, ByteArrayOutputStream line) {
        if (line.size() == 0) {
            return;
        }
        byte[] bytes = line.toByteArray();
        line.reset();
        if (!isNoise(new String(bytes, StandardCharsets.UTF_8).strip())) {
            writeFully(c, real, bytes, bytes.length);
        }
    }

    private static void writeFully(LibC c, int fd, byte[] bytes, int length) {
        int done = 0;
        while (done < length) {
            byte[] rest = done == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, done, length);
            long w = c.write(fd, rest, length - done);
            if (w <= 0) {
                return;
            }
            done += (int) w;
        }
    }

    /** An output stream on a file descriptor. */
    private static final class FdStream extends OutputStream {
        private final LibC c;
        private final int fd;

        FdStream(LibC c, int fd) {
            this.c = c;
            this.fd = fd;
        }

        @Override
        public void write(int b) {
            writeFully(c, fd, new byte[] {(byte) b}, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writeFully(c, fd, off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len), len);
        }
    }
}
