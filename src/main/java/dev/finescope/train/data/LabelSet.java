package dev.finescope.train.data;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The labels of a task in id order, or the statement that the task is a regression. The order is part of a
 * trained model (the head's rows, {@code id2label} in an exported {@code config.json}), so it is fixed here once
 * and travels with the data set.
 *
 * @param names      class names, index = class id; empty for regression
 * @param regression true when examples carry a float target instead of a class
 */
public record LabelSet(List<String> names, boolean regression) {

    /** A single float target per example. */
    public static final LabelSet REGRESSION = new LabelSet(List.of(), true);

    public LabelSet {
        names = List.copyOf(names);
        if (regression && !names.isEmpty()) {
            throw new IllegalArgumentException("a regression has no class names: " + names);
        }
        if (!regression && names.isEmpty()) {
            throw new IllegalArgumentException("a classification needs at least one class");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("class names repeat: " + names);
        }
    }

    /** Classes in the given id order. */
    public static LabelSet classes(List<String> names) {
        return new LabelSet(names, false);
    }

    /** Classes in the given id order. */
    public static LabelSet classes(String... names) {
        return classes(List.of(names));
    }

    /** The number of classes (0 for a regression). */
    public int size() {
        return names.size();
    }

    /** The id of a class name, if it is one of the classes. */
    public OptionalInt id(String name) {
        Objects.requireNonNull(name, "name");
        int id = names.indexOf(name);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The name of a class id. */
    public String name(int id) {
        if (id < 0 || id >= names.size()) {
            throw new IndexOutOfBoundsException("no class " + id + " among " + names);
        }
        return names.get(id);
    }
}
