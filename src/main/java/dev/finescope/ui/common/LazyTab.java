package dev.finescope.ui.common;

import java.util.Objects;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Tab;

/**
 * A tab whose content is built the first time the tab is selected (or the content is asked for): a pane that
 * is never shown costs nothing, and one shown later costs its building and first style pass then, not when the
 * window or its parent pane is built.
 */
public final class LazyTab<T extends Node> {

    private final Tab tab;
    private final Supplier<T> build;
    private T content;

    public LazyTab(Tab tab, Supplier<T> build) {
        this.tab = Objects.requireNonNull(tab, "tab");
        this.build = Objects.requireNonNull(build, "build");
        tab.selectedProperty().addListener((obs, was, now) -> {
            if (now) {
                content();
            }
        });
        if (tab.isSelected()) {
            content();
        }
    }

    /** The content, built now if it was not yet. */
    public T content() {
        if (content == null) {
            content = build.get();
            tab.setContent(content);
        }
        return content;
    }
}
