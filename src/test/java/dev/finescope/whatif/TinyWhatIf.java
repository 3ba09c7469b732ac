package dev.finescope.whatif;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.OverlayWriter;
import dev.finescope.train.TinyRuns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * What-if fixtures on the tiny BERT of {@code fixtures/train/tiny} (2 layers, hidden 32, a two-class head) and the
 * 12 dev sentences of {@code fixtures/train/tiny-task}: a "fine-tuned" copy whose encoder layers are moved by a
 * fixed pattern (embeddings and head as in the base), written as a folder or as an overlay on the tiny base.
 */
public final class TinyWhatIf {
    public static final Path BASE = TinyRuns.BASE;
    public static final Path DATA = TinyRuns.TASK;

    private TinyWhatIf() {
    }

    /** The moved value of entry {@code i} of tensor number {@code t}: a deterministic, small, varied offset. */
    static float moved(float value, int t, int i) {
        return value + 0.05f * (float) Math.sin(1 + i + 7 * t);
    }

    static SessionSpec spec(Path model, Path base) {
        return new SessionSpec(model, base, DATA, "SST-2", "dev", 5, 32, 0, true);
    }

    /** A model folder: the base's files with every encoder-layer tensor moved. */
    public static Path tunedFolder(Path dir) {
        return folderWith(dir.resolve("tuned"), (name, t) -> name.contains(".encoder.layer."));
    }

    /**
     * A copy of the base folder in which the tensors {@code change} picks (by name and index) are moved, the others
     * copied byte for byte.
     */
    static Path folderWith(Path folder, BiFunction<String, Integer, Boolean> change) {
        return folderWith(folder, (name, values) -> null, change);
    }

    /**
     * A copy of the base folder; {@code rewrite} may give new values for a tensor (null: keep), then {@code move}
     * says whether to move it.
     */
    static Path folderWith(Path folder, BiFunction<String, float[], float[]> rewrite,
            BiFunction<String, Integer, Boolean> move) {
        try {
            Files.createDirectories(folder);
            Files.copy(BASE.resolve("config.json"), folder.resolve("config.json"));
            Files.copy(BASE.resolve("vocab.txt"), folder.resolve("vocab.txt"));
            try (Checkpoint c = Checkpoints.open(BASE.resolve("model.safetensors"))) {
                SafetensorsWriter w = new SafetensorsWriter();
                int t = 0;
                for (String name : c.tensorNames()) {
                    Tensor tensor = c.tensor(name);
                    float[] v = tensor.toFloatArray();
                    float[] given = rewrite.apply(name, v);
                    boolean moveIt = move.apply(name, t);
                    if (given != null) {
                        v = given;
                    }
                    if (moveIt) {
                        for (int i = 0; i < v.length; i++) {
                            v[i] = moved(v[i], t, i);
                        }
                    }
                    if (given == null && !moveIt) {
                        w.addCopy(tensor);
                    } else {
                        w.addFloats(name, DType.F32, tensor.shape(), v);
                    }
                    t++;
                }
                w.write(folder.resolve("model.safetensors"));
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An overlay on the tiny base that replaces every encoder-layer tensor by its moved value. */
    static Path tunedOverlay(Path dir) {
        Path file = dir.resolve("tiny-tuned").resolve("overlay.safetensors");
        try (ModelFolder base = Models.open(BASE);
             Checkpoint c = Checkpoints.open(BASE.resolve("model.safetensors"))) {
            Files.createDirectories(file.getParent());
            OverlayWriter w = OverlayWriter.forBase(base, OverlayWriter.relativeHint(file, BASE));
            int t = 0;
            for (String name : c.tensorNames()) {
                Tensor tensor = c.tensor(name);
                if (name.contains(".encoder.layer.")) {
                    float[] v = tensor.toFloatArray();
                    for (int i = 0; i < v.length; i++) {
                        v[i] = moved(v[i], t, i);
                    }
                    w.replace(name, tensor.shape(), v);
                } else if (name.startsWith("classifier.")) {
                    w.head(name, tensor.shape(), tensor.toFloatArray());
                }
                t++;
            }
            w.write(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                m = Math.max(m, Math.abs((double) a[i][k] - b[i][k]));
            }
        }
        return m;
    }
}
