package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** libtorch's deprecation notice stays out of a command's standard error; everything else gets through. */
class NativeStderrFilterTest {

    /** The line libtorch 2.7.1 printed into {@code finescope whatif prune}'s output. */
    static final String NOTICE = "[W1208 01:46:59.536226841 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is "
            + "deprecated and will be removed in 1.10 release. For kernel implementations please use "
            + "AutoDispatchBelowADInplaceOrView instead, If you are looking for a user facing API to enable running "
            + "your inference-only workload, please use c10::InferenceMode. Using AutoDispatchBelowADInplaceOrView in "
            + "user code is under risk of producing silent wrong result in some edge cases. See Note "
            + "[AutoDispatchBelowAutograd] for more details. (function operator())";

    @Test
    void onlyTheNoticeIsNoise() {
        assertTrue(NativeStderrFilter.isNoise(NOTICE));
        assertFalse(NativeStderrFilter.isNoise("[E1208 01:46:59 something.cpp:12] Error: out of memory"));
        assertFalse(NativeStderrFilter.isNoise("finescope: /x: does not exist"));
        assertFalse(NativeStderrFilter.isNoise("[W1208 01:46:59 Foo.h:1] Warning: something else is deprecated"));
    }

    @Test
    void aProcessWithTheFilterPrintsEverythingButTheNotice() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(false).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertEquals(List.of("java line one", "[E1208 native.cpp:1] Error: a real problem", "java line two"),
                err.lines().toList());
    }

    /** Writes to descriptor 2 as libtorch does (natively) and as the command does (System.err), then exits. */
    public static final class Probe {
        public static void main(String[] args) throws IOException, InterruptedException {
            if (!NativeStderrFilter.install()) {
                System.err.println("the filter could not be installed");
                System.exit(3);
            }
            NativeStderrFilter.LibC c = Native.load("c", NativeStderrFilter.LibC.class);
            System.err.println("java line one");
            Thread.sleep(200);
            byte[] notice = (NOTICE + "\n").getBytes(StandardCharsets.UTF_8);
            c.write(2, notice, notice.length);
            byte[] real = "[E1208 native.cpp:1] Error: a real problem\n".getBytes(StandardCharsets.UTF_8);
            c.write(2, real, real.length);
            Thread.sleep(200);
            System.err.println("java line two");
            System.exit(0);
        }
    }
}
