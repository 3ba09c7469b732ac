package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GradientRecordingTest {

    /** What a thread sees before and after: [recording when it started, recording after the call]. */
    private static boolean[] onAFreshThread(Runnable work) throws InterruptedException {
        AtomicReference<boolean[]> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            boolean before = JniUtils.isGradMode();
            work.run();
            seen.set(new boolean[] {before, JniUtils.isGradMode()});
        });
        t.start();
        t.join();
        return seen.get();
    }

    @Test
    void aThreadOtherThanTheEnginesRecordsGradientsUntilTurnedOff() throws InterruptedException {
        Engine.getInstance();
        boolean[] seen = onAFreshThread(GradientRecording::offOnThisThread);
        assertEquals(true, seen[0], "PyTorch's default on a new thread");
        assertEquals(false, seen[1]);
    }

    @Test
    void turningItOffOnOneThreadLeavesOthersAlone() throws InterruptedException {
        Engine.getInstance();
        boolean[] seen = onAFreshThread(() -> {
            try {
                onAFreshThread(GradientRecording::offOnThisThread);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(true, seen[1]);
    }
}
