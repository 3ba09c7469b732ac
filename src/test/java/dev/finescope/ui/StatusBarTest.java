package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.OnFx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleObjectProperty;
import javafx.concurrent.Worker;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.layout.BorderPane;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The bottom line with two pieces of work going at 1280 px: one indicator, nothing cut short, the popover listing
 * both with their cancels; after an export, where the file went.
 */
@ExtendWith(ApplicationExtension.class)
class StatusBarTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final SimpleObjectProperty<Path> exported = new SimpleObjectProperty<>();
    private final List<Path> opened = new java.util.ArrayList<>();
    private TaskTracker tracker;
    private StatusBar bar;

    @Start
    void start(Stage stage) {
        tracker = new TaskTracker(UiExecutor.pooled("status-bar-test", 2));
        bar = new StatusBar(tracker, "CPU · DJL 0.36");
        bar.followExports(exported, opened::add);
        BorderPane root = new BorderPane();
        root.setBottom(bar);
        stage.setScene(new Scene(root, 1280, 800));
        stage.show();
    }

    @AfterEach
    void end() {
        release.countDown();
        OnFx.run(tracker::cancelAll);
    }

    private ProgressTask<Void> waiting(String title, String message) {
        return new ProgressTask<>(title) {
            @Override
            protected Void call() throws Exception {
                updateMessage(message);
                updateProgress(1, 3);
                release.await(60, TimeUnit.SECONDS);
                return null;
            }
        };
    }

    @Test
    void twoTasksShowAsOneIndicatorWithAListOfBoth(FxRobot robot) {
        Button indicator = robot.lookup("#status-tasks").queryButton();
        assertEquals("Ready", indicator.getText());
        ProgressTask<Void> sweep = waiting("Sweeping masks 10 % on SST-2 dev", "cell 14 of 216 · accuracy 0.9156");
        ProgressTask<Void> analysis = waiting("Analysing 7 more fine-tuned models", "masks 20 %: layer 3 of 6");
        OnFx.run(() -> {
            tracker.execute(sweep);
            tracker.execute(analysis);
        });
        OnFx.await("both tasks in the bar", Duration.ofSeconds(10), () -> bar.entries().size() == 2);
        OnFx.settle();
        assertEquals("▾ 2 background tasks", indicator.getText());
        // nothing in the bar is cut short ("CP…")
        for (Node n : robot.lookup("#status-bar .label").queryAll()) {
            if (n instanceof Labeled l && l.isVisible()) {
                Text shown = (Text) l.lookup(".text");
                assertEquals(l.getText(), shown == null ? l.getText() : shown.getText(), "a cut label");
            }
        }
        Text engine = (Text) robot.lookup("#status-engine").queryAs(Label.class).lookup(".text");
        assertEquals("CPU · DJL 0.36", engine.getText());

        robot.clickOn("#status-tasks");
        OnFx.await("the popover", Duration.ofSeconds(10), () -> bar.popover().isShowing());
        List<String> rows = robot.lookup(".status-entry-text").queryAllAs(Label.class).stream().map(Label::getText)
                .sorted().toList();
        assertEquals(List.of("Analysing 7 more fine-tuned models · masks 20 %: layer 3 of 6",
                "Sweeping masks 10 % on SST-2 dev · cell 14 of 216 · accuracy 0.9156"), rows);
        Node sweepRow = robot.lookup(".status-entry").match((javafx.scene.layout.HBox h) -> ((Label) h.getChildren()
                .get(0)).getText().startsWith("Sweeping")).query();
        robot.clickOn(robot.from(sweepRow).lookup(".button").queryButton());
        OnFx.await("the sweep cancelled", Duration.ofSeconds(10), () -> sweep.getState() == Worker.State.CANCELLED);
        assertFalse(analysis.isDone());
        OnFx.await("one task left", Duration.ofSeconds(10), () -> bar.entries().size() == 1);
        OnFx.settle();
        assertTrue(indicator.getText().startsWith("Analysing 7 more fine-tuned models"), indicator.getText());
    }

    @Test
    void anExportSaysWhereTheFileWentAndOpensItsFolder(FxRobot robot) {
        Label notice = robot.lookup("#status-notice").queryAs(Label.class);
        assertFalse(notice.isVisible());
        Path file = Path.of("/home/ann/Pictures/heatmap.png");
        OnFx.run(() -> exported.set(file));
        OnFx.settle();
        assertTrue(notice.isVisible());
        assertEquals("Saved heatmap.png in /home/ann/Pictures", notice.getText());
        robot.clickOn("#status-open-folder");
        assertEquals(List.of(Path.of("/home/ann/Pictures")), opened);
        assertTrue(robot.lookup("#status-open-folder").queryAs(Hyperlink.class).isVisible());
    }
}
