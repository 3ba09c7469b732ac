package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DJL frees the memory of a CPU array made from Java data when its handle closes, even where PyTorch's autograd
 * still holds the tensor for the backward pass: DJL's own scalar operations ({@code x.div(2f)}) make such a
 * scalar and close it at once. A garbage collection between forward and backward then lets the memory be reused,
 * and the backward pass reads whatever is there: gradients that depend on when the collector ran, infinities
 * when the memory is zeroed. This provokes exactly that and checks that the gradients do not change.
 */
class GarbageCollectionTest {

    private static float[] gradients(boolean collectInBetween) throws InterruptedException {
        Engine.getInstance().setRandomSeed(5);
        try (BertEncoder model = BertEncoder.builder().setCheckpoint(TinyModel.checkpoint())
                .setConfig(TinyModel.config().withoutDropout()).optPolicy(TrainingPolicy.full()).build();
             NDManager scope = model.newScope();
             GradientCollector collector = scope.getEngine().newGradientCollector()) {
            BertOutput out = model.forward(scope, TinyModel.batch(TinyModel.json("reference.json")), true);
            NDArray loss = TaskLoss.of(scope, out.logits(), new float[] {0, 1, 1, 0});
            List<ByteBuffer> reuse = new ArrayList<>();
            if (collectInBetween) {
                for (int i = 0; i < 3; i++) {
                    System.gc();
                    Thread.sleep(50);
                }
                // small zeroed buffers, the size of the scalars DJL freed, to take their memory
                for (int i = 0; i < 20_000; i++) {
                    reuse.add(ByteBuffer.allocateDirect(4));
                }
            }
            collector.backward(loss);
            ModelParameter query = model.parameters().stream()
                    .filter(p -> p.name().equals("bert.encoder.layer.0.attention.self.query.weight")).findFirst()
                    .orElseThrow();
            float[] g = query.array().getGradient().toFloatArray();
            reuse.clear();
            return g;
        }
    }

    @Test
    void gradientsDoNotDependOnWhenTheGarbageCollectorRuns() throws InterruptedException {
        float[] calm = gradients(false);
        for (int attempt = 0; attempt < 3; attempt++) {
            assertArrayEquals(calm, gradients(true), "attempt " + attempt);
        }
    }
}
