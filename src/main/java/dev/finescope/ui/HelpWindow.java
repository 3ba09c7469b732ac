package dev.finescope.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The help: the README's walkthrough, the lesson plan for courses, what each metric measures and the keyboard
 * shortcuts, shipped in the app's resources (nothing is downloaded) and shown as plain rendered text: headings,
 * paragraphs, lists, tables and code in a monospaced font.
 */
public final class HelpWindow {

    /** A page of the help: its title in the list and its Markdown resource. */
    public enum Topic {
        WALKTHROUGH("Walkthrough", "walkthrough.md"),
        LESSON_PLAN("Lesson plan (for courses)", "lesson-plan.md"),
        METRICS("Metric definitions", "metrics.md"),
        SHORTCUTS("Keyboard shortcuts", "shortcuts.md");

        private final String title;
        private final String resource;

        Topic(String title, String resource) {
            this.title = title;
            this.resource = resource;
        }

        public String title() {
            return title;
        }

        /** The page's Markdown text. */
        public String text() {
            try (InputStream in = Objects.requireNonNull(HelpWindow.class.getResourceAsStream("help/" + resource),
                    resource)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return title;
        }
    }

    private final Stage stage = new Stage();
    private final ListView<Topic> topics = new ListView<>();
    private final VBox page = new VBox(6);

    public HelpWindow(Window owner, String stylesheet) {
        if (owner != null) {
            stage.initOwner(owner);
        }
        stage.setTitle("FineScope help");
        topics.setId("help-topics");
        topics.getItems().setAll(Topic.values());
        topics.setPrefWidth(210);
        page.setId("help-page");
        page.setPadding(new Insets(14, 18, 18, 18));
        page.setFillWidth(true);
        page.getStyleClass().add("help-page");
        ScrollPane scroll = new ScrollPane(page);
        scroll.setFitToWidth(true);
        topics.getSelectionModel().selectedItemProperty().addListener((obs, old, t) -> {
            page.getChildren().setAll(t == null ? List.of() : render(t.text()));
            scroll.setVvalue(0);
        });
        SplitPane split = new SplitPane(topics, scroll);
        split.setDividerPositions(0.24);
        SplitPane.setResizableWithParent(topics, false);
        Scene scene = new Scene(split, 980, 720);
        if (stylesheet != null) {
            scene.getStylesheets().add(stylesheet);
        }
        split.getStyleClass().add("finescope");
        stage.setScene(scene);
    }

    /** Shows the window on {@code topic}, or brings it to the front. */
    public void show(Topic topic) {
        topics.getSelectionModel().select(topic);
        stage.show();
        stage.toFront();
    }

    public Stage stage() {
        return stage;
    }

    /** The text shown now, one line per block, for tests. */
    public List<String> shownText() {
        return page.getChildren().stream().filter(Label.class::isInstance).map(n -> ((Label) n).getText()).toList();
    }

    /** Markdown as the help shows it: one label per heading, paragraph, list item, table or code block. */
    static List<Node> render(String markdown) {
        List<Node> out = new ArrayList<>();
        List<String> block = new ArrayList<>();
        boolean code = false;
        for (String raw : markdown.split("\\R", -1)) {
            String line = raw.stripTrailing();
            if (line.strip().startsWith("```")) {
                if (code) {
                    out.add(label(String.join("\n", block), "help-code"));
                    block.clear();
                } else {
                    flush(out, block);
                }
                code = !code;
                continue;
            }
            if (code) {
                block.add(raw);
                continue;
            }
            if (line.isBlank()) {
                flush(out, block);
            } else if (line.startsWith("#")) {
                flush(out, block);
                int level = (int) line.chars().takeWhile(c -> c == '#').count();
                out.add(label(inline(line.substring(level).strip()), "help-h" + Math.min(level, 3)));
            } else if (line.matches("\\s*([-*]|\\d+\\.)\\s+.*")) {
                flush(out, block);
                block.add(line);
            } else if (line.startsWith("|")) {
                if (!block.isEmpty() && !block.get(0).startsWith("|")) {
                    flush(out, block);
                }
                if (!line.matches("\\|[\\s:|-]+\\|?")) {
                    block.add(line);
                }
            } else if (line.strip().startsWith("![")) {
                flush(out, block);
            } else {
                block.add(line);
            }
        }
        flush(out, block);
        return out;
    }

    private static void flush(List<Node> out, List<String> block) {
        if (block.isEmpty()) {
            return;
        }
        String first = block.get(0);
        if (first.startsWith("|")) {
            // a cell's own bars are written \| ("|b−a|"); they are not column breaks
            List<String> rows = block.stream().map(r -> inline(String.join(" · ", java.util.Arrays.stream(
                    r.replace("\\|", "\u0000").replaceAll("^\\||\\|$", "").split("\\|")).map(String::strip)
                    .map(c -> c.replace('\u0000', '|')).toList()))).toList();
            out.add(label(String.join("\n", rows), "help-table"));
        } else if (first.matches("\\s*([-*]|\\d+\\.)\\s+.*")) {
            String item = String.join(" ", block.stream().map(String::strip).toList());
            item = item.replaceFirst("^[-*]\\s+", "•  ");
            out.add(label(inline(item), "help-item"));
        } else {
            out.add(label(inline(String.join(" ", block.stream().map(String::strip).toList())), "help-text"));
        }
        block.clear();
    }

    /** Drops inline markup: links keep their words, code and emphasis their text. */
    static String inline(String s) {
        return s.replaceAll("!\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replaceAll("\\[([^\\]]+)\\]\\([^)]*\\)", "$1")
                .replaceAll("`([^`]*)`", "$1")
                .replaceAll("\\*\\*([^*]+)\\*\\*", "$1")
                .replaceAll("(?<![\\w*])\\*([^*\\s][^*]*)\\*(?![\\w*])", "$1");
    }

    private static Label label(String text, String style) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add(style);
        l.setMaxWidth(Double.MAX_VALUE);
        return l;
    }
}
