package dev.finescope.train.data;

/**
 * What an example is labelled with: a class id, a regression target, or nothing (GLUE test files). One type for
 * all three keeps classification, regression and unlabelled data in one {@link Example} without sentinel values.
 */
public sealed interface Label permits Label.ClassId, Label.Target, Label.Absent {

    /** The label of an example that has none. */
    Label NONE = new Absent();

    /** An index into the data set's {@link LabelSet#names()}. */
    record ClassId(int id) implements Label {
        public ClassId {
            if (id < 0) {
                throw new IllegalArgumentException("class ids start at 0: " + id);
            }
        }
    }

    /** A regression target (STS-B's similarity score). */
    record Target(float value) implements Label {
        public Target {
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException("a target must be finite: " + value);
            }
        }
    }

    /** No label: use {@link Label#NONE}. */
    record Absent() implements Label {
    }
}
