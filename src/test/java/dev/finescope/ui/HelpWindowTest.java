package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The help window: the walkthrough, the lesson plan, the metrics and the shortcuts, from the app's resources. */
@ExtendWith(ApplicationExtension.class)
class HelpWindowTest {

    private HelpWindow help;

    @Start
    void start(Stage stage) {
        help = new HelpWindow(stage, null);
    }

    @Test
    void eachTopicShowsItsPageAsRenderedText(FxRobot robot) {
        robot.interact(() -> help.show(HelpWindow.Topic.METRICS));
        List<String> metrics = help.shownText();
        assertEquals("The method FineScope is built around", metrics.get(0));
        assertTrue(metrics.contains("1. Closeness, per tensor"), metrics.toString());
        assertTrue(metrics.stream().noneMatch(l -> l.startsWith("#") || l.contains("**")), metrics.toString());

        robot.clickOn(robot.lookup("#help-topics .list-cell").match((javafx.scene.control.ListCell<?> c) ->
                "Keyboard shortcuts".equals(c.getText())).queryAs(javafx.scene.Node.class));
        List<String> keys = help.shownText();
        assertEquals("Keyboard shortcuts", keys.get(0));
        assertTrue(keys.contains("•  Ctrl+R: run the plan (opens the launch dialog)"), keys.toString());
        assertEquals(List.of("Walkthrough", "Lesson plan (for courses)", "Metric definitions", "Keyboard shortcuts"),
                robot.lookup("#help-topics").queryListView().getItems().stream().map(Object::toString).toList());
        assertTrue(help.stage().isShowing());
    }

    @Test
    void theWalkthroughAndTheLessonPlanAreTheRepositorysOwn() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("## A walkthrough"), readme.indexOf("## Your own models"));
        assertEquals(section, HelpWindow.Topic.WALKTHROUGH.text(), "help/walkthrough.md follows README.md");
        assertEquals(Files.readString(Path.of("sample-models/lesson-plan.md"), StandardCharsets.UTF_8),
                HelpWindow.Topic.LESSON_PLAN.text(), "help/lesson-plan.md follows sample-models/lesson-plan.md");
    }

    @Test
    void markupIsDroppedAndBlocksAreKept() {
        assertEquals("the run's overlay.safetensors, see A walkthrough and bold",
                HelpWindow.inline("the run's `overlay.safetensors`, see [A walkthrough](#a-walkthrough) and **bold**"));
        List<String> blocks = HelpWindow.render("# Title\n\nOne\nparagraph.\n\n- an item\n  going on\n\n```\ncode  x\n```\n"
                + "| a | b |\n| --- | --- |\n| 1 | 2 |\n").stream()
                .map(n -> ((javafx.scene.control.Label) n).getText()).toList();
        assertEquals(List.of("Title", "One paragraph.", "•  an item going on", "code  x", "a · b\n1 · 2"), blocks);
    }
}
