package dev.finescope.ui;

import dev.finescope.ui.common.UiExecutor;
import java.util.concurrent.TimeoutException;
import org.testfx.api.FxToolkit;

/**
 * Starts JavaFX for view-model tests the way TestFX does, so that a window test later in the same JVM can still
 * drive the pointer: TestFX's robot reaches windows only on a platform that TestFX started itself.
 */
public final class TestFxPlatformStarter implements UiExecutor.PlatformStarter {

    @Override
    public void start() {
        try {
            FxToolkit.registerPrimaryStage();
        } catch (TimeoutException e) {
            throw new IllegalStateException("JavaFX did not start for the tests", e);
        }
    }
}
