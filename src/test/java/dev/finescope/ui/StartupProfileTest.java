package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StartupProfileTest {

    @Test
    void theProfileNamesThisThreadAndAddsUpToTheProcess() {
        long spin = 0;
        for (long i = 0; i < 50_000_000L; i++) {
            spin += i ^ (spin >>> 3);
        }
        String profile = StartupProfile.describe();
        assertTrue(spin != 1, "keeps the loop");
        Matcher whole = Pattern.compile("^CPU (\\d+\\.\\d\\d) s: .*").matcher(profile);
        assertTrue(whole.matches(), profile);
        assertTrue(profile.contains(" " + Thread.currentThread().getName() + " "), profile);
        double total = Double.parseDouble(whole.group(1));
        double parts = 0;
        Matcher part = Pattern.compile("(\\d+\\.\\d\\d) s[,]?").matcher(profile.substring(profile.indexOf(':')));
        while (part.find()) {
            parts += Double.parseDouble(part.group(1));
        }
        // each part is rounded to 10 ms; the JVM's own share is what the threads do not explain
        assertTrue(Math.abs(parts - total) < 0.01 * 10, profile);
        assertTrue(profile.endsWith(" s"), profile);
    }
}
