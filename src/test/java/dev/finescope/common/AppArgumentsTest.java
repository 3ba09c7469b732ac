package dev.finescope.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppArgumentsTest {

    @Test
    void onlyAnEmptyCommandLineOrAWorkspaceOpensTheAppDirectly() {
        assertEquals(Optional.empty(), AppArguments.appOnly(new String[0]));
        assertEquals(Optional.of(Path.of("ws")), AppArguments.appOnly(new String[] {"--workspace", "ws"}));
        assertEquals(Optional.of(Path.of("a b")), AppArguments.appOnly(new String[] {"--workspace=a b"}));
        assertNull(AppArguments.appOnly(new String[] {"--workspace"}));
        assertNull(AppArguments.appOnly(new String[] {"--workspace="}));
        assertNull(AppArguments.appOnly(new String[] {"--workspace", "--debug"}));
        assertNull(AppArguments.appOnly(new String[] {"--help"}));
        assertNull(AppArguments.appOnly(new String[] {"analyze", "--workspace", "ws"}));
    }
}
