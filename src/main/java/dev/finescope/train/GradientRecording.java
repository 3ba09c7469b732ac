package dev.finescope.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch decides per thread whether operations record gradients, and DJL's engine turns recording off only in
 * the thread that first loads it. Work that reaches the model from any other thread (an evaluation on the app's
 * worker pool, a what-if session, an optimizer step after an evaluation elsewhere) must turn it off for its own
 * thread first: otherwise evaluations build graphs they never use, and an in-place update of a parameter fails
 * ("a leaf Variable that requires grad is being used in an in-place operation"). A gradient collector turns it on
 * for its own span and off again when it closes.
 */
public final class GradientRecording {

    private GradientRecording() {
    }

    /** Turns gradient recording off for the calling thread (loading the engine first if needed). */
    public static void offOnThisThread() {
        Engine.getInstance();
        JniUtils.setGradMode(false);
    }
}
